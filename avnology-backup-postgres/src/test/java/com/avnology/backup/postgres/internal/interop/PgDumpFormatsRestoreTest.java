package com.avnology.backup.postgres.internal.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.internal.archive.DataOffset;
import com.avnology.backup.postgres.internal.engine.ArchiveRestore;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our restore engine on custom and tar archives written by the real pg_dump 15. */
final class PgDumpFormatsRestoreTest {
  private static String source;
  @TempDir Path tmp;

  @BeforeAll
  static void fixture() {
    Dumps.assumeTools();
    source = Fidelity.createAllKindsDatabase("fmtsrc");
  }

  @BeforeEach
  void tools() {
    Dumps.assumeTools();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-Z0", "-Z6"})
  void restore_pgDumpCustomArchive_sameSchemaAndData(String level) throws IOException {
    Path file = Dumps.pgDump(tmp.resolve("all.dump"), source, "-Fc", level);
    CustomArchiveSource archive = new CustomArchiveSource(file);
    assertThat(archive.customToc().offsets().values())
        .extracting(DataOffset::flag)
        .doesNotContain(DataOffset.POS_NOT_SET);

    restoreAndCompare(archive);
  }

  @Test
  void restore_customArchiveWrittenToPipe_scansForDataBlocks() throws IOException {
    Path file = Dumps.pgDumpThroughPipe(tmp.resolve("piped.dump"), source);
    CustomArchiveSource archive = new CustomArchiveSource(file);
    assertThat(archive.customToc().offsets().values())
        .extracting(DataOffset::flag)
        .contains(DataOffset.POS_NOT_SET)
        .doesNotContain(DataOffset.POS_SET);

    restoreAndCompare(archive);
  }

  @Test
  void restore_pgDumpTarArchive_sameSchemaAndData() {
    Path file = Dumps.pgDump(tmp.resolve("all.tar"), source, "-Ft");

    restoreAndCompare(new TarArchiveSource(file));
  }

  @Test
  void restore_loadViaPartitionRoot_loadsPartitionsThroughTheirRoot() throws IOException {
    Path file = Dumps.pgDump(tmp.resolve("root.dump"), source, "-Fc", "--load-via-partition-root");
    CustomArchiveSource archive = new CustomArchiveSource(file);
    assertThat(archive.toc().entries())
        .filteredOn(e -> e.desc().equals("TABLE DATA") && e.tag().equals("sessions_2024"))
        .singleElement()
        .satisfies(e -> assertThat(e.copyStmt()).startsWith("COPY identity.sessions ("));

    restoreAndCompare(archive);
  }

  @Test
  void restore_loadsEveryTableFrozen() throws SQLException {
    Path file = Dumps.pgDump(tmp.resolve("frozen.dump"), source, "-Fc");
    String target = EmbeddedPg.createDatabase("fmtfrz");
    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(new CustomArchiveSource(file));

    try (Connection c = EmbeddedPg.dataSource(target).getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION pg_visibility");
      for (String table :
          List.of("identity.identities", "identity.sessions_2024", "public.relation_tuples")) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*), count(*) FILTER (WHERE all_frozen)"
                    + " FROM pg_visibility_map('"
                    + table
                    + "')")) {
          rs.next();
          assertThat(rs.getLong(1)).as(table + " pages").isPositive();
          assertThat(rs.getLong(2)).as(table + " frozen pages").isEqualTo(rs.getLong(1));
        }
      }
    }
  }

  private static void restoreAndCompare(ArchiveSource archive) {
    String target = EmbeddedPg.createDatabase("fmtdst");
    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(archive);
    Fidelity.assertSameDatabase(source, target);
  }
}
