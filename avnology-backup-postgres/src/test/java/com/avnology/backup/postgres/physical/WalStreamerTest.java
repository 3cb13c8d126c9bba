package com.avnology.backup.postgres.physical;

import static com.avnology.backup.postgres.physical.PhysicalTesting.now;
import static com.avnology.backup.postgres.physical.PhysicalTesting.query;
import static com.avnology.backup.postgres.physical.PhysicalTesting.sql;
import static com.avnology.backup.postgres.physical.PhysicalTesting.walScript;
import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The streamer in its own JVM ({@link WalStreamMain}) against a real server: killed with SIGKILL
 * and restarted without a gap (the slot kept the WAL), a recovery to a moment of the outage; and
 * the server stopped like {@code pg_ctl stop -m immediate} right after N commits, with the streamer
 * as synchronous standby (nothing lost) and asynchronous (the loss is printed).
 */
final class WalStreamerTest {
  @TempDir Path dir;

  @Test
  void streamerKilledAndRestarted_leavesNoGap_andRecoveryIntoTheOutageWorks() throws Exception {
    Path sink = dir.resolve("sink");
    String setId;
    try (EmbeddedPostgres pg =
        server(dir.resolve("source"), true, Map.of("synchronous_commit", "on"))) {
      Process first = streamer(pg, sink, "async", "first");
      awaitStreaming(pg, false, dir.resolve("first.log"));
      setId = backup(pg, sink);
      sql(pg, "CREATE TABLE t (tag text)", "INSERT INTO t SELECT 'A' FROM generate_series(1, 100)");
      switchAndAwait(pg, sink, dir.resolve("first.log"));

      first.destroyForcibly().waitFor();
      assertThat(first.exitValue()).isEqualTo(137);
      sql(pg, "INSERT INTO t SELECT 'B' FROM generate_series(1, 100)");
      Instant afterB = now(pg);
      Thread.sleep(20);
      sql(
          pg,
          "SELECT pg_switch_wal()",
          "INSERT INTO t SELECT 'C' FROM generate_series(1, 100)",
          "SELECT pg_switch_wal()");

      Process second = streamer(pg, sink, "async", "second");
      switchAndAwait(pg, sink, dir.resolve("second.log"));
      sql(pg, "INSERT INTO t SELECT 'D' FROM generate_series(1, 10)");
      awaitSent(pg);
      new ProcessBuilder("kill", "-TERM", Long.toString(second.pid())).start().waitFor();
      assertThat(second.waitFor()).as(Files.readString(dir.resolve("second.log"))).isZero();
      assertThat(Files.readString(dir.resolve("second.log"))).contains("partial=Optional[");

      WalArchive archive = WalArchive.of(FileSystemSink.of(sink));
      assertThat(archive.list()).anyMatch(n -> n.endsWith(".partial"));
      assertThat(
              WalGaps.check(com.avnology.backup.BackupCatalog.of(FileSystemSink.of(sink)), archive)
                  .missing())
          .isEmpty();
      Path outage = restore(sink, setId, RecoveryTarget.time(afterB), "outage");
      try (EmbeddedPostgres timeline2 = server(outage, false, Map.of("synchronous_commit", "on"))) {
        assertThat(count(timeline2)).containsExactly("A=100", "B=100");
        // the promoted copy is on timeline 2: stream it into the same archive
        Process third = streamer(timeline2, sink, "async", "third");
        awaitStreaming(timeline2, false, dir.resolve("third.log"));
        sql(timeline2, "INSERT INTO t SELECT 'E' FROM generate_series(1, 10)");
        switchAndAwait(timeline2, sink, dir.resolve("third.log"));
        new ProcessBuilder("kill", "-TERM", Long.toString(third.pid())).start().waitFor();
        assertThat(third.waitFor()).as(Files.readString(dir.resolve("third.log"))).isZero();
      }
    }
    WalArchive archive = WalArchive.of(FileSystemSink.of(sink));
    assertThat(archive.contains("00000002.history")).isTrue();
    WalGaps.Report report =
        WalGaps.check(com.avnology.backup.BackupCatalog.of(FileSystemSink.of(sink)), archive);
    assertThat(report.missing()).as(report.summary()).isEmpty();
    assertThat(report.last().orElseThrow()).startsWith("00000002");
    // recovery_target_timeline = 'latest': from the timeline-1 base backup onto timeline 2
    assertThat(restoreAndCount(sink, setId, RecoveryTarget.end(), "timeline2"))
        .containsExactly("A=100", "B=100", "E=10");
  }

  @Test
  void immediateStop_synchronousStreamer_losesNoCommit_asynchronousIsMeasured() throws Exception {
    int n = 100;
    for (String mode : List.of("sync", "async")) {
      Path sink = dir.resolve("sink-" + mode);
      Path data = dir.resolve("source-" + mode);
      Map<String, String> config =
          mode.equals("sync")
              // zonky turns synchronous_commit off by default; a synchronous standby needs it on
              ? Map.of("synchronous_standby_names", "avnology_wal", "synchronous_commit", "on")
              : Map.of("synchronous_commit", "on");
      String setId;
      Process streamer;
      EmbeddedPostgres pg = server(data, true, config);
      try {
        streamer = streamer(pg, sink, mode, mode);
        awaitStreaming(pg, mode.equals("sync"), dir.resolve(mode + ".log"));
        setId = backup(pg, sink);
        sql(pg, "CREATE TABLE t (tag text)");
        try (Connection c = pg.getPostgresDatabase().getConnection();
            Statement s = c.createStatement()) {
          for (int i = 0; i < n; i++) {
            s.execute("INSERT INTO t VALUES ('" + mode + "')");
          }
        }
        long postmaster =
            Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        new ProcessBuilder("kill", "-QUIT", Long.toString(postmaster)).start().waitFor();
        assertThat(streamer.waitFor()).isEqualTo(2); // the stream failed with the server
      } finally {
        closeQuietly(pg);
      }
      List<String> rows = restoreAndCount(sink, setId, RecoveryTarget.end(), mode);
      int kept = rows.isEmpty() ? 0 : Integer.parseInt(rows.get(0).split("=")[1]);
      System.out.printf(
          "immediate stop after %d commits, %s streamer: %d lost%n", n, mode, n - kept);
      if (mode.equals("sync")) {
        assertThat(rows).containsExactly("sync=" + n);
      } else {
        assertThat(kept).isBetween(0, n);
      }
    }
  }

  private Process streamer(EmbeddedPostgres pg, Path sink, String mode, String name)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    return new ProcessBuilder(
            java,
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "-cp",
            System.getProperty("java.class.path"),
            WalStreamMain.class.getName(),
            "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres",
            sink.toString(),
            "avnology_wal",
            mode)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile())
        .start();
  }

  private static void awaitStreaming(EmbeddedPostgres pg, boolean sync, Path log) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String want = sync ? "streaming sync" : "streaming async";
    while (!query(
            pg,
            "SELECT coalesce(max(state || ' ' || sync_state), '-') FROM"
                + " pg_stat_replication WHERE application_name = 'avnology_wal'")
        .get(0)
        .equals(want)) {
      assertThat(System.nanoTime())
          .as("streaming within 60 s: %s", Files.readString(log))
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static void awaitSent(EmbeddedPostgres pg) throws Exception {
    // the insert position: what is still in the WAL buffers counts too
    String inserted = query(pg, "SELECT pg_current_wal_insert_lsn()").get(0);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (query(
            pg, "SELECT count(*) FROM pg_stat_replication WHERE sent_lsn >= '" + inserted + "'")
        .get(0)
        .equals("0")) {
      assertThat(System.nanoTime()).as("WAL sent within 60 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Switches to a new segment and waits until the archive holds the one before. */
  private static void switchAndAwait(EmbeddedPostgres pg, Path sink, Path log) throws Exception {
    // a segment without a record is not switched away from
    sql(pg, "SELECT pg_logical_emit_message(false, 'test', 'switch')");
    String last = query(pg, "SELECT pg_walfile_name(pg_current_wal_insert_lsn())").get(0);
    sql(pg, "SELECT pg_switch_wal()");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!WalArchive.of(FileSystemSink.of(sink)).contains(last)) {
      assertThat(System.nanoTime())
          .as(
              "%s archived within 60 s: %s %s %s %s",
              last,
              Files.readString(log),
              query(
                  pg,
                  "SELECT string_agg(pid || ' ' || state || ' '"
                      + " || sent_lsn || ' ' || coalesce(flush_lsn::text, '-'), ',') FROM pg_stat_replication"),
              query(
                  pg,
                  "SELECT string_agg(coalesce(active_pid::text, '-') || ' '"
                      + " || coalesce(restart_lsn::text, '-'), ',') FROM pg_replication_slots"),
              WalArchive.of(FileSystemSink.of(sink)).list())
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static String backup(EmbeddedPostgres pg, Path sink) {
    Path data = Path.of(pgDataDirectory(pg));
    return Backup.builder()
        .target(PhysicalTarget.builder(pg.getPostgresDatabase(), data).build())
        .sink(FileSystemSink.of(sink))
        .compression(Compression.zstd(1))
        .build()
        .run()
        .setId();
  }

  private static String pgDataDirectory(EmbeddedPostgres pg) {
    try {
      return query(pg, "SHOW data_directory").get(0);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private List<String> restoreAndCount(Path sink, String setId, RecoveryTarget target, String label)
      throws Exception {
    try (EmbeddedPostgres copy = server(restore(sink, setId, target, label), false, Map.of())) {
      return count(copy);
    }
  }

  private Path restore(Path sink, String setId, RecoveryTarget target, String label)
      throws Exception {
    Path restored = dir.resolve("restored-" + label);
    RestorePlan.builder(FileSystemSink.of(sink))
        .set(setId)
        .target(
            PhysicalTarget.builder(restored)
                .restoreCommand(walScript(dir) + " get %f %p " + sink)
                .recovery(target)
                .build())
        .build()
        .execute();
    return restored;
  }

  private static List<String> count(EmbeddedPostgres copy) throws Exception {
    {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (query(copy, "SELECT pg_is_in_recovery()::text").get(0).equals("true")) {
        assertThat(System.nanoTime()).as("promoted within 60 s").isLessThan(deadline);
        Thread.sleep(100);
      }
      if (query(copy, "SELECT to_regclass('t') IS NULL").get(0).equals("t")) {
        return List.of(); // not even the table's creation was archived
      }
      return query(copy, "SELECT tag || '=' || count(*) FROM t GROUP BY tag ORDER BY tag");
    }
  }

  private EmbeddedPostgres server(Path data, boolean fresh, Map<String, String> config)
      throws IOException {
    Path sockets = Files.createDirectories(dir.resolve("sockets"));
    EmbeddedPostgres.Builder b =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(fresh)
            .setServerConfig("unix_socket_directories", sockets.toString())
            .setPGStartupWait(Duration.ofSeconds(60));
    config.forEach(b::setServerConfig);
    return b.start();
  }

  private static void closeQuietly(EmbeddedPostgres pg) {
    try {
      pg.close();
    } catch (IOException | RuntimeException e) {
      // the server was stopped under it
    }
  }
}
