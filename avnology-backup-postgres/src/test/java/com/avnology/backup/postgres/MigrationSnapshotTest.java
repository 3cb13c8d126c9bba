package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.FileSystemSink;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The safety snapshot: a failing migration run leaves the database exactly as before. */
class MigrationSnapshotTest {
  @TempDir Path snapshots;

  @Test
  void failingMigrationWithSnapshotLeavesDatabaseExactlyAsBefore() {
    String db = EmbeddedPg.createDatabase("mig_snap");
    DataSource ds = EmbeddedPg.dataSource(db);
    Migrations failing =
        Migrations.builder(ds)
            .locations("classpath:migrations/failing")
            .safetySnapshot(snapshots)
            .build();
    // version 1 with data, a non-default public schema comment and an extra schema of our own
    assertThat(failing.toBuilder().target("1").build().migrate().versions()).containsExactly("1");
    Fidelity.applySql(
        "INSERT INTO accounts (email) SELECT 'user' || g || '@example.org'"
            + " FROM generate_series(1, 500) g;"
            + " DELETE FROM accounts WHERE id % 7 = 0;"
            + " CREATE SCHEMA keep; CREATE TABLE keep.t (v text); INSERT INTO keep.t VALUES ('x');"
            + " COMMENT ON SCHEMA public IS 'ours';",
        db);
    String copy = copyOf(db);

    // V2 (new schema, tables, data changes) and V3 (CONCURRENTLY, no transaction) commit, V4 fails
    assertThatThrownBy(failing::migrate)
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("V4__broken.sql")
        .hasMessageContaining("no_such_table")
        .hasMessageContaining("the database was restored from safety snapshot")
        .hasMessageContaining("is as before (version 1)");

    Fidelity.assertSameDatabase(copy, db);
    assertThat(FileSystemSink.of(snapshots).list()).hasSize(2); // V1 run's and this run's
    // and the database still migrates once the broken migration is fixed
    assertThat(failing.toBuilder().target("3").build().migrate().versions())
        .containsExactly("2", "3");
  }

  @Test
  void snapshotIsOnlyTakenWhenSomethingIsPending() {
    String db = EmbeddedPg.createDatabase("mig_snap_idle");
    Migrations m =
        Migrations.builder(EmbeddedPg.dataSource(db))
            .locations(MigrationsTest.APP)
            .safetySnapshot(snapshots)
            .build();
    MigrationResult first = m.migrate();
    assertThat(first.snapshot()).isPresent();
    MigrationResult second = m.migrate();
    assertThat(second.snapshot()).isEmpty();
    assertThat(FileSystemSink.of(snapshots).list()).containsExactly(first.snapshotSetId());
  }

  @Test
  void failureOnAnEmptyDatabaseRestoresAnEmptyDatabase() {
    String db = EmbeddedPg.createDatabase("mig_snap_empty");
    String copy = copyOf(db);
    Migrations failing =
        Migrations.builder(EmbeddedPg.dataSource(db))
            .locations("classpath:migrations/failing")
            .safetySnapshot(snapshots)
            .build();
    assertThatThrownBy(failing::migrate)
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("is as before (version null)");
    Fidelity.assertSameDatabase(copy, db);
  }

  /** CREATE DATABASE … TEMPLATE: a byte-for-byte copy to compare with. */
  static String copyOf(String db) {
    String copy = EmbeddedPg.createDatabase(db + "_copy");
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE " + copy);
      s.execute("CREATE DATABASE " + copy + " TEMPLATE " + db);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return copy;
  }
}
