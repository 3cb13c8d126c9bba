package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.internal.migrate.MigrationLock;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** Several instances booting at once. */
class MigrationConcurrencyTest {
  static final String SLOW = "classpath:migrations/slow";

  @Test
  void concurrentMigrateCallsBothSucceedAndApplyEachMigrationOnce() throws Exception {
    String db = EmbeddedPg.createDatabase("mig_conc");
    DataSource ds = EmbeddedPg.dataSource(db);
    int n = 4;
    CyclicBarrier start = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<MigrationResult>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return Migrations.builder(ds).locations(SLOW).build().migrate();
                }));
      }
      List<String> applied = new ArrayList<>();
      for (Future<MigrationResult> f : futures) {
        MigrationResult r = f.get(2, TimeUnit.MINUTES); // throws if a call failed
        applied.addAll(r.versions());
        assertThat(r.versionAfter()).isEqualTo("3");
      }
      assertThat(applied).containsExactlyInAnyOrder("1", "2", "3");
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            MigrationsTest.query(
                db,
                "SELECT version || ':' || count(*) FROM"
                    + " flyway_schema_history GROUP BY version ORDER BY version"))
        .containsExactly("1:1", "2:1", "3:1");
  }

  @Test
  void flywayHoldsItsPostgresAdvisoryLockWhileMigrating() throws Exception {
    String db = EmbeddedPg.createDatabase("mig_lock");
    DataSource ds = EmbeddedPg.dataSource(db);
    long flywayKey = MigrationLock.flywayKey("\"public\".\"flyway_schema_history\"");
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<MigrationResult> run =
          pool.submit(() -> Migrations.builder(ds).locations(SLOW).build().migrate());
      Set<String> seen = new HashSet<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!run.isDone() && System.nanoTime() < deadline) {
        seen.addAll(advisoryLocks(db));
        Thread.sleep(50);
      }
      assertThat(run.get().versions()).containsExactly("1", "2", "3");
      // Flyway's session-level lock (not the transactional one, which would block
      // CREATE INDEX CONCURRENTLY), key 77431708279161 + hash of the quoted table name
      assertThat(seen).contains(flywayKey + " granted");
      assertThat(advisoryLocks(db)).isEmpty(); // both released
    } finally {
      pool.shutdownNow();
    }
  }

  /** Returns "key granted|waiting" for each advisory lock held in the database. */
  static Set<String> advisoryLocks(String db) throws SQLException {
    Set<String> out = new HashSet<>();
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT (classid::bigint << 32) | objid::bigint,"
                    + " granted FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 1"
                    + " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())");
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1) + (rs.getBoolean(2) ? " granted" : " waiting"));
      }
    }
    return out;
  }
}
