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
  void restore_loadsBigTablesFrozen_andSmallOnesWithoutTheirTruncate()
      throws SQLException, IOException {
    String db = EmbeddedPg.createDatabase("fmtbig");
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      // about 1.6 MB stored without compression: above the size from which a load is frozen
      s.execute(
          "CREATE TABLE big AS SELECT i, pg_catalog.md5(i::text) AS h FROM generate_series(1, 40000) i");
      s.execute("CREATE TABLE small AS SELECT i FROM generate_series(1, 1000) i");
    }
    Path file = Dumps.pgDump(tmp.resolve("frozen.dump"), db, "-Fc", "-Z0");
    CustomArchiveSource archive = new CustomArchiveSource(file);
    assertThat(archive.toc().entries())
        .filteredOn(e -> e.desc().equals("TABLE DATA"))
        .extracting(
            e -> e.tag() + " " + ArchiveRestore.worthFreezing(archive.dataSize(e.dataFile())))
        .containsExactlyInAnyOrder("big true", "small false");
    String target = EmbeddedPg.createDatabase("fmtfrz");
    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(archive);

    try (Connection c = EmbeddedPg.dataSource(target).getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION pg_visibility");
      // truncated in its load's transaction, so loaded with FREEZE: every page all-frozen
      assertThat(frozenPages(s, "public.big")).isEqualTo(pages(s, "public.big")).isPositive();
      // a plain COPY into the table the restore created: nothing frozen
      assertThat(pages(s, "public.small")).isPositive();
      assertThat(frozenPages(s, "public.small")).isZero();
      assertThat(rows(s, "public.big")).isEqualTo(40000);
      assertThat(rows(s, "public.small")).isEqualTo(1000);
    }
  }

  private static long pages(Statement s, String table) throws SQLException {
    return scalar(s, "SELECT count(*) FROM pg_visibility_map('" + table + "')");
  }

  private static long frozenPages(Statement s, String table) throws SQLException {
    return scalar(
        s, "SELECT count(*) FILTER (WHERE all_frozen) FROM pg_visibility_map('" + table + "')");
  }

  private static long rows(Statement s, String table) throws SQLException {
    return scalar(s, "SELECT count(*) FROM " + table);
  }

  private static long scalar(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static void restoreAndCompare(ArchiveSource archive) {
    String target = EmbeddedPg.createDatabase("fmtdst");
    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(archive);
    Fidelity.assertSameDatabase(source, target);
  }
}
