package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Compression;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.OryFixtures;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our custom-format export, read by the real pg_restore 15 and by our own reader. */
final class CustomExportTest {
  @TempDir Path tmp;

  @Test
  void export_allKinds_pgRestoreJ2RestoresIdentically() {
    String source = Fidelity.createAllKindsDatabase("src");
    Path dump = tmp.resolve("all-kinds.dump");

    PgDumpArchive archive = PgDumpArchive.export(
        PostgresTarget.builder(EmbeddedPg.dataSource(source)).build(), dump, Compression.gzip(6));
    String target = EmbeddedPg.createDatabase("pgr");
    Fidelity.runTool("pg_restore", "--exit-on-error", "-j", "2", "-d", target, dump.toString());

    assertThat(archive.format()).isEqualTo(PgDumpArchive.Format.CUSTOM);
    Fidelity.assertSameDatabase(source, target);
    assertThat(archive.listing()).isEqualTo(Fidelity.runTool("pg_restore", "-l", dump.toString()));
  }

  @Test
  void export_kratos_pgRestoreAndOurReaderRestoreIdentically() {
    OryFixtures.requireDirectory();
    String source = EmbeddedPg.createDatabase("kratos");
    OryFixtures.loadSchema("kratos", source);
    OryFixtures.fillWithRows(source, 20);
    Path dump = tmp.resolve("kratos.dump");

    PgDumpArchive.export(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build(), dump,
        Compression.none());
    String viaPgRestore = EmbeddedPg.createDatabase("kpgr");
    Fidelity.runTool("pg_restore", "--exit-on-error", "-d", viaPgRestore, dump.toString());
    String viaUs = EmbeddedPg.createDatabase("kours");
    PgDumpArchive.open(dump).restore(PostgresTarget.builder(EmbeddedPg.dataSource(viaUs)).build());

    Fidelity.assertSameDatabase(source, viaPgRestore);
    Fidelity.assertSameDatabase(source, viaUs);
  }

  @Test
  void restore_insertsArchive_refusedBeforeWritingAnything() throws Exception {
    String source = EmbeddedPg.createDatabase("ins");
    Fidelity.applySql("CREATE TABLE t (id int PRIMARY KEY, note text);"
        + " INSERT INTO t VALUES (1, 'a;\n''b'), (2, NULL);", source);
    Path dump = tmp.resolve("inserts.dump");
    Fidelity.runTool("pg_dump", "-Fc", "--inserts", "-f", dump.toString(), "-d", source);
    String target = EmbeddedPg.createDatabase("insdst");

    assertThatThrownBy(() -> PgDumpArchive.open(dump)
            .restore(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build()))
        .hasMessageContaining("holds its data as INSERT statements (pg_dump --inserts")
        .hasMessageContaining("nothing was restored");
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(target))).isEmpty();
  }

  @Test
  void restore_truncatedDump_failsBeforeWritingAnything() throws Exception {
    String source = Fidelity.createAllKindsDatabase("src");
    Path dump = tmp.resolve("x.dump");
    PgDumpArchive.export(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build(), dump,
        Compression.gzip(1));
    try (RandomAccessFile f = new RandomAccessFile(dump.toFile(), "rw")) {
      f.setLength(f.length() - 1000);
    }
    String target = EmbeddedPg.createDatabase("dst");

    assertThatThrownBy(() -> PgDumpArchive.open(dump)
            .restore(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build()))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("is damaged, nothing was restored")
        .hasMessageContaining("entry");
    assertThat(Files.exists(dump)).isTrue();
  }
}
