package com.avnology.backup.postgres.schedule;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.schedule.JdbcRunCoordinator;
import com.avnology.backup.schedule.Job;
import com.avnology.backup.schedule.Schedule;
import com.avnology.backup.schedule.Scheduler;
import com.avnology.backup.schedule.Tick;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas of one service coordinated through its PostgreSQL database: two schedulers on two
 * connections (and then two JVMs, one killed mid-run) run each due time exactly once.
 */
final class SchedulerReplicasTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:30:00Z");
  @TempDir Path tmp;
  String app;
  String coordination;
  FileSystemSink sink;
  FileClock clock;

  @BeforeEach
  void databases() throws SQLException {
    app = EmbeddedPg.createDatabase("sched_app");
    try (Connection c = EmbeddedPg.dataSource(app).getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE identity (id int PRIMARY KEY, email text)");
      s.execute(
          "INSERT INTO identity SELECT g, 'user' || g || '@example.com'"
              + " FROM generate_series(1, 100) g");
    }
    coordination = EmbeddedPg.createDatabase("sched_runs");
    sink = FileSystemSink.of(tmp.resolve("sink"));
    clock = new FileClock(tmp.resolve("clock"));
    clock.set(T0);
  }

  private Scheduler replica(JdbcRunCoordinator runs) {
    Backup backup =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(app)).build())
            .sink(sink)
            .clock(clock)
            .build();
    return Scheduler.builder()
        .job(Job.builder("db", Schedule.every(Duration.ofHours(1)), backup).build())
        .clock(clock)
        .coordinator(runs)
        .build();
  }

  @Test
  void twoSchedulersOnTwoConnections_runEachDueTimeExactlyOnce() throws Exception {
    try (Scheduler a = replica(JdbcRunCoordinator.of(EmbeddedPg.dataSource(coordination)));
        Scheduler b = replica(JdbcRunCoordinator.of(EmbeddedPg.dataSource(coordination)))) {
      List<String> started = new ArrayList<>();
      for (int hour = 1; hour <= 6; hour++) {
        clock.set(T0.plus(Duration.ofHours(hour)));
        CompletableFuture<List<Tick>> ta = CompletableFuture.supplyAsync(a::tick);
        CompletableFuture<List<Tick>> tb = CompletableFuture.supplyAsync(b::tick);
        List<Tick> ticks = new ArrayList<>(ta.get());
        ticks.addAll(tb.get());
        a.awaitIdle();
        b.awaitIdle();
        assertThat(ticks)
            .hasSize(2)
            .extracting(Tick::action)
            .containsExactlyInAnyOrder(Tick.Action.STARTED, Tick.Action.CLAIMED_ELSEWHERE);
        ticks.stream()
            .filter(t -> t.action() == Tick.Action.STARTED)
            .forEach(t -> started.add(t.due().toString()));
      }

      assertThat(started).hasSize(6).doesNotHaveDuplicates();
      assertThat(sink.list()).hasSize(6);
      assertThat(rows(""))
          .hasSize(6)
          .allSatisfy(r -> assertThat(r).endsWith(" finished=true true"));
    }
  }

  @Test
  void replicaKilledMidRun_theOtherTakesOverAtTheNextDueTime_noUnpublishedSetVisible()
      throws Exception {
    Path marker = tmp.resolve("running");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                SchedulerReplicaChild.class.getName(),
                EmbeddedPg.jdbcUrl(coordination),
                sink.root().toString(),
                tmp.resolve("clock").toString(),
                marker.toString())
            .redirectErrorStream(true)
            .start();
    @SuppressWarnings("JdkObsolete") // appended by the reader thread, read by the test
    StringBuffer out = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  out.append(line).append('\n');
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            });
    reader.start();
    JdbcRunCoordinator runs = JdbcRunCoordinator.of(EmbeddedPg.dataSource(coordination));
    try (Scheduler survivor = replica(runs)) {
      waitUntil(() -> out.toString().contains("READY"), child, out);
      clock.set(T0.plus(Duration.ofMinutes(30)));
      waitUntil(() -> Files.exists(marker), child, out);

      assertThat(survivor.tick())
          .singleElement()
          .satisfies(t -> assertThat(t.action()).isEqualTo(Tick.Action.CLAIMED_ELSEWHERE));
      new ProcessBuilder("kill", "-KILL", Long.toString(child.pid())).start().waitFor();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
      waitUntil(() -> advisoryLocks() == 0, null, out);
      assertThat(sink.list()).isEmpty();

      clock.set(T0.plus(Duration.ofMinutes(90)));
      assertThat(survivor.tick())
          .singleElement()
          .satisfies(t -> assertThat(t.action()).isEqualTo(Tick.Action.STARTED));
      survivor.awaitIdle();

      assertThat(rows(runs.owner()))
          .containsExactly(
              "2026-01-01T01:00:00Z owner=other finished=false null",
              "2026-01-01T02:00:00Z owner=survivor finished=true true");
      assertThat(sink.list()).hasSize(1);
      try (Stream<Path> dirs = Files.list(sink.root().resolve("sets"))) {
        assertThat(dirs)
            .singleElement()
            .satisfies(d -> assertThat(d.resolve("manifest.json")).isRegularFile());
      }
    } finally {
      child.destroyForcibly();
    }
  }

  /**
   * @return the run table's rows as {@code due owner=WHO finished=B succeeded}
   */
  private List<String> rows(String survivor) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection c = EmbeddedPg.dataSource(coordination).getConnection();
        Statement s = c.createStatement();
        ResultSet r =
            s.executeQuery(
                "SELECT due, owner, finished_at IS NOT NULL, succeeded"
                    + " FROM avnology_backup_runs ORDER BY due")) {
      while (r.next()) {
        rows.add(
            r.getTimestamp(1).toInstant()
                + " owner="
                + (r.getString(2).equals(survivor) ? "survivor" : "other")
                + " finished="
                + r.getBoolean(3)
                + " "
                + r.getObject(4));
      }
    }
    return rows;
  }

  private int advisoryLocks() {
    try (Connection c = EmbeddedPg.dataSource(coordination).getConnection();
        Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'")) {
      r.next();
      return r.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void waitUntil(
      java.util.function.BooleanSupplier condition, Process child, StringBuffer out)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!condition.getAsBoolean()) {
      if (child != null && !child.isAlive()) {
        throw new AssertionError("the child exited: " + out);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 2 minutes; child said: " + out);
      }
      Thread.sleep(20);
    }
  }
}
