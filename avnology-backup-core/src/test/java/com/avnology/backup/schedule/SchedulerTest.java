package com.avnology.backup.schedule;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.retention.RetentionPolicy;
import com.avnology.backup.testing.LabelledTarget;
import com.avnology.backup.testing.SimClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scheduler in simulated time: {@link Scheduler#tick()} called by the test, no sleeping. */
final class SchedulerTest {
  static final Instant START = Instant.parse("2026-01-01T00:30:00Z");
  @TempDir Path tmp;
  SimClock clock = new SimClock(START);

  @Test
  void backupJob_everySixHoursForThreeDays_runsEachDueTimeOnceAndPrunesAfterEach()
      throws Exception {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup =
        Backup.builder()
            .target(LabelledTarget.of("postgres", "app"))
            .sink(sink)
            .clock(clock)
            .build();
    Job job =
        Job.builder("db", Schedule.every(Duration.ofHours(6)), backup)
            .retention(RetentionPolicy.last(2))
            .build();
    try (Scheduler scheduler = Scheduler.builder().job(job).clock(clock).build()) {
      int started = 0;
      for (int quarter = 0; quarter < 3 * 4 * 6; quarter++) { // every hour for 3 days
        clock.advance(Duration.ofHours(1));
        for (Tick t : scheduler.tick()) {
          assertThat(t.action()).isEqualTo(Tick.Action.STARTED);
          started++;
        }
        scheduler.awaitIdle();
      }

      assertThat(started).isEqualTo(12);
      assertThat(sink.list()).hasSize(2);
      JobStatus status = scheduler.status().get(0);
      assertThat(status.lastSuccess())
          .hasValueSatisfying(
              r -> {
                assertThat(r.due()).isEqualTo("2026-01-04T00:00:00Z");
                assertThat(r.setId()).contains(sink.list().get(0));
                assertThat(r.message()).endsWith("; retention keep-last 2 deleted 1 sets");
                assertThat(r.bytes()).isPositive();
              });
      assertThat(status.nextDue()).isEqualTo("2026-01-04T06:00:00Z");
      assertThat(status.healthy()).isTrue();
      assertThat(status.failures()).isZero();
    }
  }

  @Test
  void history_inTheSink_showsLastRunLastSuccessFailuresAndNextDue_acrossSchedulers()
      throws Exception {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup =
        Backup.builder()
            .target(LabelledTarget.of("volume", "certs"))
            .sink(sink)
            .clock(clock)
            .build();
    boolean[] fail = {false};
    Job db = Job.builder("db", Schedule.every(Duration.ofHours(6)), backup).build();
    Job restoreCheck =
        Job.check(
            "test-restore",
            Schedule.every(Duration.ofHours(6)),
            () -> {
              if (fail[0]) {
                throw new IllegalStateException("table public.t: 3 rows, the backup recorded 4");
              }
              return "4 rows ok";
            });
    assertThat(restoreCheck.isCheck()).isTrue();
    try (Scheduler scheduler =
        Scheduler.builder().job(db).job(restoreCheck).clock(clock).history(sink).build()) {
      clock.set(Instant.parse("2026-01-01T06:00:00Z"));
      scheduler.tick();
      scheduler.awaitIdle();
      assertThat(scheduler.status()).allMatch(JobStatus::healthy);
      fail[0] = true;
      clock.set(Instant.parse("2026-01-01T12:00:00Z"));
      scheduler.tick();
      scheduler.awaitIdle();
      // one failed check is enough to be unhealthy; a failed backup is not (yet)
      assertThat(scheduler.status())
          .filteredOn(s -> s.job().equals("test-restore"))
          .singleElement()
          .satisfies(s -> assertThat(s.healthy()).isFalse());
    }
    // a second scheduler (another replica, or later) adds to the same history
    try (Scheduler scheduler =
        Scheduler.builder().job(restoreCheck).clock(clock).history(sink).build()) {
      clock.set(Instant.parse("2026-01-01T18:00:00Z"));
      scheduler.tick();
      scheduler.awaitIdle();
    }
    List<JobHistory> history = JobHistory.read(sink);
    assertThat(history).extracting(JobHistory::job).containsExactly("db", "test-restore");
    JobHistory dbHistory = history.get(0);
    assertThat(dbHistory.runs()).isEqualTo(2);
    assertThat(dbHistory.lastRun().succeeded()).isTrue();
    assertThat(dbHistory.lastRun().setId())
        .hasValueSatisfying(
            id -> {
              assertThat(id).startsWith("20260101T120000");
              assertThat(sink.list()).contains(id);
            });
    assertThat(dbHistory.lastRun().bytes()).isPositive();
    assertThat(dbHistory.nextDue()).isEqualTo("2026-01-01T18:00:00Z");
    assertThat(dbHistory.schedule()).isEqualTo(db.schedule().toString());
    JobHistory check = history.get(1);
    assertThat(check.runs()).isEqualTo(3);
    assertThat(check.failures()).isEqualTo(2);
    assertThat(check.lastRun().message()).contains("3 rows, the backup recorded 4");
    assertThat(check.lastSuccess())
        .hasValueSatisfying(r -> assertThat(r.due()).isEqualTo("2026-01-01T06:00:00Z"));
    assertThat(check.nextDue()).isEqualTo("2026-01-02T00:00:00Z");
    // job records are not sets: list and retention do not see them
    assertThat(sink.list()).hasSize(2);
  }

  @Test
  void history_keepsTheNewestRecordsPerJob_andRejectsAMalformedOne() throws Exception {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Job job = Job.task("often", Schedule.every(Duration.ofMinutes(1)), () -> "ok");
    try (Scheduler scheduler = Scheduler.builder().job(job).clock(clock).history(sink).build()) {
      for (int i = 0; i < JobHistory.KEEP + 5; i++) {
        clock.advance(Duration.ofMinutes(1));
        scheduler.tick();
        scheduler.awaitIdle();
      }
    }
    assertThat(sink.listObjects("jobs/often/")).hasSize(JobHistory.KEEP);
    assertThat(JobHistory.read(sink).get(0).runs()).isEqualTo(JobHistory.KEEP);
    sink.putObjectIfAbsent(
        "jobs/often/9999999999999-00000000.json",
        new java.io.ByteArrayInputStream("{\"job\":\"often\",\"bytes\":\"x\"}".getBytes(UTF_8)));
    assertThatThrownBy(() -> JobHistory.read(sink))
        .isInstanceOf(com.avnology.backup.IntegrityException.class)
        .hasMessageContaining("jobs/often/9999999999999-00000000.json");
  }

  @Test
  void runStillGoing_whenDueAgain_isSkippedNotOverlapped() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    int[] runs = {0};
    Job job =
        Job.task(
            "slow",
            Schedule.every(Duration.ofHours(1)),
            () -> {
              runs[0]++;
              running.countDown();
              await(release);
              return "done";
            });
    try (Scheduler scheduler = Scheduler.builder().job(job).clock(clock).build()) {
      clock.set(Instant.parse("2026-01-01T01:00:00Z"));
      assertThat(scheduler.tick()).extracting(Tick::action).containsExactly(Tick.Action.STARTED);
      running.await();
      clock.set(Instant.parse("2026-01-01T02:00:00Z"));

      assertThat(scheduler.tick())
          .singleElement()
          .satisfies(
              t -> {
                assertThat(t.action()).isEqualTo(Tick.Action.SKIPPED_OVERLAP);
                assertThat(t.due()).isEqualTo("2026-01-01T02:00:00Z");
              });
      assertThat(scheduler.status().get(0).running()).isTrue();
      release.countDown();
      scheduler.awaitIdle();
      clock.set(Instant.parse("2026-01-01T03:00:00Z"));
      assertThat(scheduler.tick()).extracting(Tick::action).containsExactly(Tick.Action.STARTED);
      scheduler.awaitIdle();
      assertThat(runs[0]).isEqualTo(2);
    }
  }

  @Test
  void close_whileABackupRuns_waitsForItToPublish_andStartsNothingAfter() throws Exception {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    CountDownLatch inBackup = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BackupTarget slow =
        new BackupTarget() {
          @Override
          public String kind() {
            return "volume";
          }

          @Override
          public String name() {
            return "certs";
          }

          @Override
          public void backup(BackupContext context) {
            LabelledTarget.of("volume", "certs").backup(context);
            inBackup.countDown();
            await(release);
          }

          @Override
          public void restore(RestoreContext context) {
            throw new UnsupportedOperationException();
          }
        };
    Backup backup = Backup.builder().target(slow).sink(sink).clock(clock).build();
    Scheduler scheduler =
        Scheduler.builder()
            .job(Job.builder("certs", Schedule.every(Duration.ofHours(1)), backup).build())
            .clock(clock)
            .build();
    clock.set(Instant.parse("2026-01-01T01:00:00Z"));
    scheduler.tick();
    inBackup.await();

    Thread closer = new Thread(scheduler::close);
    closer.start();
    release.countDown();
    closer.join();

    clock.set(Instant.parse("2026-01-01T02:00:00Z"));
    assertThat(scheduler.tick()).isEmpty();
    assertThat(sink.list()).hasSize(1);
    try (Stream<Path> dirs = Files.list(sink.root().resolve("sets"))) {
      assertThat(dirs)
          .singleElement()
          .satisfies(d -> assertThat(d.resolve("manifest.json")).isRegularFile());
    }
  }

  @Test
  void missedRuns_runOnceRunsTheLatestMissedDueTimeAtStart_skipWaits() throws Exception {
    clock.set(Instant.parse("2026-01-01T07:30:00Z"));
    int[] runs = {0};
    Job job = Job.task("t", Schedule.every(Duration.ofHours(6)), () -> "run " + ++runs[0]);
    try (Scheduler skip = Scheduler.builder().job(job).clock(clock).build();
        Scheduler once =
            Scheduler.builder().job(job).clock(clock).missedRuns(MissedRuns.RUN_ONCE).build()) {
      assertThat(skip.tick()).isEmpty();
      assertThat(once.tick())
          .singleElement()
          .satisfies(t -> assertThat(t.due()).isEqualTo("2026-01-01T06:00:00Z"));
      once.awaitIdle();
      assertThat(once.tick()).isEmpty();
      assertThat(runs[0]).isEqualTo(1);
    }
  }

  @Test
  void jitter_delaysTheRunWithinItsBound_sameDueTime() throws Exception {
    Job job = Job.task("t", Schedule.every(Duration.ofHours(6)), () -> "ok");
    try (Scheduler scheduler =
        Scheduler.builder().job(job).clock(clock).jitter(Duration.ofMinutes(30)).build()) {
      List<Tick> ticks = List.of();
      clock.set(Instant.parse("2026-01-01T06:00:00Z"));
      for (int minute = 0; minute <= 30 && ticks.isEmpty(); minute++) {
        ticks = scheduler.tick();
        clock.advance(Duration.ofMinutes(1));
      }
      scheduler.awaitIdle();

      assertThat(ticks)
          .singleElement()
          .satisfies(t -> assertThat(t.due()).isEqualTo("2026-01-01T06:00:00Z"));
      assertThat(scheduler.status().get(0).lastRun().orElseThrow().startedAt())
          .isAfter(Instant.parse("2026-01-01T06:00:00Z"))
          .isBefore(Instant.parse("2026-01-01T06:31:00Z"));
    }
  }

  @Test
  void failingJob_isRecordedAndTurnsUnhealthyAfterTwoPeriods() throws Exception {
    Job job =
        Job.task(
            "t",
            Schedule.every(Duration.ofHours(1)),
            () -> {
              throw new IllegalStateException("bucket unreachable");
            });
    try (Scheduler scheduler = Scheduler.builder().job(job).clock(clock).build()) {
      for (int h = 0; h < 3; h++) {
        clock.advance(Duration.ofHours(1));
        scheduler.tick();
        scheduler.awaitIdle();
      }

      JobStatus status = scheduler.status().get(0);
      assertThat(status.failures()).isEqualTo(3);
      assertThat(status.lastSuccess()).isEmpty();
      assertThat(status.lastRun().orElseThrow().message()).isEqualTo("bucket unreachable");
      assertThat(status.healthy()).isFalse();
    }
  }

  @Test
  void builder_refusesDuplicateNamesAndNoJobs() {
    Job a = Job.task("a", Schedule.every(Duration.ofHours(1)), () -> "ok");
    assertThatThrownBy(() -> Scheduler.builder().job(a).job(a).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "two jobs are named a: give each a distinct name (replicas tell runs apart"
                + " by it)");
    assertThatThrownBy(() -> Scheduler.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("a scheduler needs at least one job: add one with job()");
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
