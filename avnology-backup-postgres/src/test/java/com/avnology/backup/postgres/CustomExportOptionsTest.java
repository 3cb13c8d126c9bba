package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Compression;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The custom-format export honours the gzip level and never replaces a file unasked. */
final class CustomExportOptionsTest {
  @TempDir Path tmp;

  @Test
  void export_gzip1AndGzip9_differInSize_andBothRestore() {
    String source = EmbeddedPg.createDatabase("lvl");
    Fidelity.applySql(
        "CREATE TABLE t (id int PRIMARY KEY, note text);"
            + " INSERT INTO t SELECT g, md5((g % 97)::text) || repeat(' identity ', g % 13)"
            + " FROM generate_series(1, 40000) g",
        source);
    PostgresTarget target = PostgresTarget.builder(EmbeddedPg.dataSource(source)).build();
    Path fast = tmp.resolve("fast.dump");
    Path small = tmp.resolve("small.dump");

    PgDumpArchive.export(target, fast, Compression.gzip(1));
    PgDumpArchive.export(target, small, Compression.gzip(9));

    assertThat(small.toFile().length())
        .as("gzip:9 is smaller than gzip:1")
        .isLessThan(fast.toFile().length());
    for (Path dump : new Path[] {fast, small}) {
      String viaUs = EmbeddedPg.createDatabase("lvlours");
      PgDumpArchive.open(dump)
          .restore(PostgresTarget.builder(EmbeddedPg.dataSource(viaUs)).build());
      Fidelity.assertSameDatabase(source, viaUs);
    }
    String viaPgRestore = EmbeddedPg.createDatabase("lvlpgr");
    Fidelity.runTool("pg_restore", "--exit-on-error", "-d", viaPgRestore, fast.toString());
    Fidelity.assertSameDatabase(source, viaPgRestore);
  }

  @Test
  void export_existingFile_isRefusedAndKept_unlessReplace() throws Exception {
    String source = EmbeddedPg.createDatabase("exist");
    Fidelity.applySql("CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)", source);
    PostgresTarget target = PostgresTarget.builder(EmbeddedPg.dataSource(source)).build();
    Path dump = Files.writeString(tmp.resolve("prod.dump"), "yesterday's export");

    assertThatThrownBy(() -> PgDumpArchive.export(target, dump, Compression.gzip(6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the file "
                + dump
                + " already exists: choose another name, delete it, or"
                + " export with replace to overwrite it");
    assertThat(Files.readString(dump)).isEqualTo("yesterday's export");
    try (var files = Files.list(tmp)) {
      assertThat(files).containsExactly(dump);
    }

    PgDumpArchive replaced = PgDumpArchive.export(target, dump, Compression.gzip(6), true);
    assertThat(replaced.format()).isEqualTo(PgDumpArchive.Format.CUSTOM);
  }
}
