package com.avnology.backup.postgres.seeding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.postgres.PgDumpArchive;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots on a real server: copies, sources, fidelity, leftovers and resets. */
final class DatabaseSnapshotTest {
  private static final String SCHEMA =
      "CREATE TABLE parent (id serial PRIMARY KEY, note text);"
          + " CREATE TABLE child (id int PRIMARY KEY, parent int REFERENCES parent);"
          + " CREATE TABLE other (id int PRIMARY KEY);"
          + " INSERT INTO parent (note) SELECT 'row ' || g FROM generate_series(1, 3) g;"
          + " INSERT INTO child VALUES (1, 1), (2, 2); INSERT INTO other VALUES (7)";

  @TempDir Path tmp;

  @Test
  void copy_template_eachCopyIsolatedAndDroppedOnClose() {
    try (DatabaseSnapshot snapshot = builder("seedtpl").seed(Seed.statements(SCHEMA)).build()) {
      SeededDatabase a = snapshot.copy();
      SeededDatabase b = snapshot.copy();
      exec(a.dataSource(), "INSERT INTO other VALUES (8)");

      assertThat(count(a.dataSource(), "other")).isEqualTo(2);
      assertThat(count(b.dataSource(), "other")).isEqualTo(1);
      assertThat(a.jdbcUrl()).contains("/" + a.name());
      a.close();
      a.close();
      assertThat(databases("seedtpl")).containsExactlyInAnyOrder(snapshot.name(), b.name());
      snapshot.close();
      assertThat(databases("seedtpl")).isEmpty();
    }
  }

  @Test
  void copy_restoreMode_sameContentAsSource() {
    String source = Fidelity.createAllKindsDatabase("seedsrc");
    try (DatabaseSnapshot snapshot =
            builder("seedrst")
                .mode(SeedMode.RESTORE)
                .seed(Seed.database(EmbeddedPg.dataSource(source)))
                .build();
        SeededDatabase copy = snapshot.copy()) {
      assertThat(Fidelity.tableHashes(copy.dataSource()))
          .isEqualTo(Fidelity.tableHashes(EmbeddedPg.dataSource(source)));
      assertThat(databases("seedrst")).containsExactly(copy.name());
    }
  }

  @Test
  void seed_backupSetAndArchive_copiesHashEqualToSource() {
    String source = Fidelity.createAllKindsDatabase("seedbs");
    DataSource src = EmbeddedPg.dataSource(source);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(src).build())
        .sink(sink)
        .compression(Compression.zstd(3))
        .build()
        .run();
    Path ours = tmp.resolve("ours.dump");
    PgDumpArchive.export(PostgresTarget.builder(src).build(), ours, Compression.gzip(6));
    List<Seed> seeds = new ArrayList<>(List.of(Seed.backupSet(sink), Seed.archive(ours)));
    if (Fidelity.pgDumpUsable()) {
      Path theirs = tmp.resolve("pgdump.dump");
      Fidelity.runTool("pg_dump", "-Fc", "-f", theirs.toString(), "-d", source);
      seeds.add(Seed.archive(theirs));
    }

    for (Seed seed : seeds) {
      try (DatabaseSnapshot snapshot = builder("seedhash").seed(seed).build();
          SeededDatabase copy = snapshot.copy()) {
        assertThat(Fidelity.tableHashes(copy.dataSource()))
            .as(seed.toString())
            .isEqualTo(Fidelity.tableHashes(src));
      }
    }
  }

  @Test
  void build_copiesOfDeadJvm_droppedAndLiveOnesKept() throws Exception {
    Process dead = new ProcessBuilder("true").start();
    dead.waitFor();
    Process live = new ProcessBuilder("sleep", "60").start();
    try {
      String deadName =
          "seedleft_" + dead.pid() + "_" + Long.toString(System.currentTimeMillis(), 36) + "_c1";
      String liveName =
          "seedleft_"
              + live.pid()
              + "_"
              + Long.toString(live.info().startInstant().orElseThrow().toEpochMilli(), 36)
              + "_c1";
      exec(EmbeddedPg.dataSource("postgres"), "CREATE DATABASE " + deadName);
      exec(EmbeddedPg.dataSource("postgres"), "CREATE DATABASE " + liveName);

      try (DatabaseSnapshot snapshot = builder("seedleft").seed(Seed.statements(SCHEMA)).build()) {
        assertThat(snapshot.leftoversRemoved()).containsExactly(deadName);
        assertThat(databases("seedleft")).containsExactlyInAnyOrder(liveName, snapshot.name());
      }
      exec(EmbeddedPg.dataSource("postgres"), "DROP DATABASE " + liveName);
    } finally {
      live.destroyForcibly();
    }
  }

  @Test
  void copy_resetMode_reloadsOnlyChangedTablesAndSequences() throws SQLException {
    String db = EmbeddedPg.createDatabase("seedreset");
    try (DatabaseSnapshot snapshot =
        DatabaseSnapshot.builder(EmbeddedPg.jdbcUrl(db))
            .mode(SeedMode.RESET)
            .seed(Seed.statements(SCHEMA))
            .build()) {
      String before = Fidelity.tableHashes(EmbeddedPg.dataSource(db)).toString();
      try (SeededDatabase first = snapshot.copy()) {
        assertThat(first.name()).isEqualTo(db);
        try (Connection c = first.dataSource().getConnection();
            Statement s = c.createStatement()) {
          s.execute("INSERT INTO parent (note) VALUES ('new')");
          s.execute("DELETE FROM other");
        }
      }
      try (SeededDatabase second = snapshot.copy()) {
        assertThat(Fidelity.tableHashes(second.dataSource()).toString()).isEqualTo(before);
        assertThat(query(second.dataSource(), "SELECT nextval('parent_id_seq')")).isEqualTo(4);
      }
    }
  }

  @Test
  void build_resetIntoNonEmptyDatabase_refuses() {
    String db = EmbeddedPg.createDatabase("seedfull");
    exec(EmbeddedPg.dataSource(db), "CREATE TABLE t (id int)");

    assertThatThrownBy(
            () ->
                DatabaseSnapshot.builder(EmbeddedPg.jdbcUrl(db))
                    .mode(SeedMode.RESET)
                    .seed(Seed.statements("SELECT 1"))
                    .build())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("database " + db + " is not empty (1 relations): mode RESET seeds");
  }

  @Test
  void builder_badSettings_rejectedWithTheValue() {
    assertThatThrownBy(() -> builder("x").prefix("Bad-Prefix"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "seeding prefix must be 1 to 30 of a-z, 0-9 and '_', starting with a letter:"
                + " 'Bad-Prefix'");
    assertThatThrownBy(() -> builder("x").staleAfter(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("staleAfter must be positive: PT0S");
    assertThatThrownBy(() -> builder("x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("no seed: call seed(");
    assertThatThrownBy(() -> DatabaseSnapshot.builder("jdbc:mysql://h/db"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "not a PostgreSQL JDBC URL with a host: 'jdbc:mysql://h/db'; use"
                + " jdbc:postgresql://host:5432/database");
    assertThatThrownBy(() -> Seed.migrations())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("no migration location");
  }

  @Test
  void seed_failingStatement_leavesNothingBehind() {
    assertThatThrownBy(() -> builder("seedfail").seed(Seed.statements("CREATE TABLE t (")).build())
        .isInstanceOf(BackupException.class)
        .hasMessageStartingWith("seeding failed in the statements");
    assertThat(databases("seedfail")).isEmpty();
  }

  private static DatabaseSnapshot.Builder builder(String prefix) {
    return DatabaseSnapshot.builder(EmbeddedPg.jdbcUrl("postgres")).prefix(prefix);
  }

  static List<String> databases(String prefix) {
    List<String> out = new ArrayList<>();
    try (Connection c = EmbeddedPg.dataSource("postgres").getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT datname FROM pg_database WHERE datname LIKE '" + prefix + "\\_%'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static long count(DataSource ds, String table) {
    return query(ds, "SELECT count(*) FROM " + table);
  }

  private static long query(DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void exec(DataSource ds, String sql) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
