package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pgbench's TPC-B-like transactions, issued from Java, run while the backup copies tables on two
 * connections; the restored database must satisfy pgbench's invariant, which a backup that is not
 * one snapshot breaks.
 */
final class ConsistencyTest {
  @TempDir Path tmp;

  @Test
  void backup_underTpcbLoad_restoresAConsistentSnapshot() throws Exception {
    String db = EmbeddedPg.createDatabase("bench");
    initPgbench(db, 1);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong committed = new AtomicLong();
    List<Thread> load = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread t = new Thread(() -> tpcb(db, stop, committed));
      t.start();
      load.add(t);
    }
    while (committed.get() < 200) {
      Thread.sleep(10);
    }
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    long before = committed.get();
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(db)).jobs(2).build())
        .sink(sink)
        .build()
        .run();
    long after = committed.get();
    Thread.sleep(200);
    stop.set(true);
    for (Thread t : load) {
      t.join();
    }

    String restored = EmbeddedPg.createDatabase("restored");
    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(restored)).build())
        .build()
        .execute();

    assertThat(after).as("transactions committed while the backup ran").isGreaterThan(before);
    try (Connection c = EmbeddedPg.dataSource(restored).getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT (SELECT sum(abalance) FROM pgbench_accounts),"
                    + " (SELECT sum(bbalance) FROM pgbench_branches),"
                    + " (SELECT sum(tbalance) FROM pgbench_tellers),"
                    + " (SELECT sum(delta) FROM pgbench_history),"
                    + " (SELECT count(*) FROM pgbench_history)")) {
      rs.next();
      long history = rs.getLong(5);
      assertThat(history).isGreaterThanOrEqualTo(200).isLessThan(committed.get());
      assertThat(List.of(rs.getLong(1), rs.getLong(2), rs.getLong(3))).containsOnly(rs.getLong(4));
    }
  }

  static void initPgbench(String db, int scale) throws SQLException {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE pgbench_branches (bid int PRIMARY KEY, bbalance int,"
              + " filler char(88))");
      s.execute(
          "CREATE TABLE pgbench_tellers (tid int PRIMARY KEY, bid int, tbalance int,"
              + " filler char(84))");
      s.execute(
          "CREATE TABLE pgbench_accounts (aid int PRIMARY KEY, bid int, abalance int,"
              + " filler char(84))");
      s.execute(
          "CREATE TABLE pgbench_history (tid int, bid int, aid int, delta int,"
              + " mtime timestamp, filler char(22))");
      s.execute(
          "INSERT INTO pgbench_branches SELECT b, 0 FROM generate_series(1, " + scale + ") b");
      s.execute(
          "INSERT INTO pgbench_tellers SELECT t, (t - 1) / 10 + 1, 0"
              + " FROM generate_series(1, "
              + (10 * scale)
              + ") t");
      s.execute(
          "INSERT INTO pgbench_accounts SELECT a, (a - 1) / 100000 + 1, 0, ''"
              + " FROM generate_series(1, "
              + (100000 * scale)
              + ") a");
    }
  }

  private static void tpcb(String db, AtomicBoolean stop, AtomicLong committed) {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection()) {
      c.setAutoCommit(false);
      PreparedStatement a =
          c.prepareStatement("UPDATE pgbench_accounts SET abalance = abalance + ? WHERE aid = ?");
      PreparedStatement t =
          c.prepareStatement("UPDATE pgbench_tellers SET tbalance = tbalance + ? WHERE tid = ?");
      PreparedStatement b =
          c.prepareStatement("UPDATE pgbench_branches SET bbalance = bbalance + ? WHERE bid = ?");
      PreparedStatement h =
          c.prepareStatement(
              "INSERT INTO pgbench_history"
                  + " (tid, bid, aid, delta, mtime) VALUES (?, ?, ?, ?, now())");
      ThreadLocalRandom random = ThreadLocalRandom.current();
      while (!stop.get()) {
        int aid = random.nextInt(1, 100001);
        int tid = random.nextInt(1, 11);
        int delta = random.nextInt(-5000, 5001);
        a.setInt(1, delta);
        a.setInt(2, aid);
        a.executeUpdate();
        t.setInt(1, delta);
        t.setInt(2, tid);
        t.executeUpdate();
        b.setInt(1, delta);
        b.setInt(2, 1);
        b.executeUpdate();
        h.setInt(1, tid);
        h.setInt(2, 1);
        h.setInt(3, aid);
        h.setInt(4, delta);
        h.executeUpdate();
        try {
          c.commit();
          committed.incrementAndGet();
        } catch (SQLException e) {
          c.rollback();
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
