package com.avnology.backup.schedule;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupSink;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Job}s when they are due; a service embeds one.
 *
 * <ul>
 *   <li>No overlap: a job whose previous run is still going when it is due again skips that due
 *       time (logged at WARN); across replicas the {@link RunCoordinator} refuses a second run.
 *   <li>Once per due time: each run is claimed from the coordinator first; with a {@link
 *       JdbcRunCoordinator} the replicas of a service run each due time once between them, and a
 *       replica that dies mid-run leaves the next due time to the others.
 *   <li>Due times that pass while the process is busy or suspended collapse into the latest one;
 *       those passed while it was down follow {@link Builder#missedRuns(MissedRuns)}.
 *   <li>{@link Builder#jitter(Duration)} delays each run by a fixed-per-due-time fraction of it, so
 *       that many services sharing a sink do not all start at 00:00.
 *   <li>{@link #close()} starts no new run and waits for the running ones (a backup publishes its
 *       set or removes it; none is left unpublished), up to {@link
 *       Builder#shutdownTimeout(Duration)}, then interrupts them (a backup that stops removes its
 *       unpublished set).
 * </ul>
 *
 * <p>{@link #start()} runs a timer thread that calls {@link #tick()}; a test with a simulated clock
 * calls {@link #tick()} itself. Thread-safe.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

  private final List<Job> jobs;
  private final Clock clock;
  private final RunCoordinator coordinator;
  private final MissedRuns missedRuns;
  private final Duration jitter;
  private final Duration shutdownTimeout;
  private final BackupSink history;
  private final ExecutorService runners;
  private final Map<String, JobState> states = new LinkedHashMap<>();
  private final Instant createdAt;
  private Thread timer;
  private volatile boolean closing;

  private Scheduler(Builder b) {
    this.jobs = List.copyOf(b.jobs);
    this.clock = b.clock;
    this.coordinator = b.coordinator;
    this.missedRuns = b.missedRuns;
    this.jitter = b.jitter;
    this.shutdownTimeout = b.shutdownTimeout;
    this.history = b.history;
    this.runners = Executors.newCachedThreadPool(r -> new Thread(r, "avnology-job"));
    this.createdAt = clock.instant();
    for (Job job : jobs) {
      states.put(job.name(), new JobState(job, initiallyHandled(job, createdAt)));
    }
  }

  /** {@return a builder with no job yet} */
  public static Builder builder() {
    return new Builder();
  }

  private Instant initiallyHandled(Job job, Instant now) {
    Instant latest = job.schedule().latest(now, clock.getZone());
    if (missedRuns == MissedRuns.SKIP) {
      return latest;
    }
    Optional<Instant> claimed = coordinator.lastClaimed(job.name());
    if (claimed.isPresent() && !claimed.get().isBefore(latest)) {
      return latest;
    }
    log.info("job {} missed its run due {}: running it once now", job.name(), latest);
    return latest.minusMillis(1);
  }

  /**
   * Starts the timer thread, which calls {@link #tick()} at each due time.
   *
   * @return this scheduler
   * @throws IllegalStateException if started already, or closed
   */
  public synchronized Scheduler start() {
    if (timer != null || closing) {
      throw new IllegalStateException("scheduler is " + (closing ? "closed" : "started already"));
    }
    timer = new Thread(this::loop, "avnology-scheduler");
    timer.setDaemon(true);
    timer.start();
    log.info("scheduler started: {}", jobs);
    return this;
  }

  private void loop() {
    while (!closing) {
      try {
        tick();
        Duration wait = Duration.between(clock.instant(), nextWake());
        long ms = Math.max(10, Math.min(wait.toMillis(), 60_000));
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        log.warn("scheduler tick failed, retrying in 10 s: {}", e.toString());
        try {
          Thread.sleep(10_000);
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private synchronized Instant nextWake() {
    Instant now = clock.instant();
    return states.values().stream()
        .map(
            s -> {
              Instant due = s.job.schedule().next(s.handled, clock.getZone());
              return due.plus(jitterOf(s.job, due));
            })
        .min(Instant::compareTo)
        .orElse(now.plusSeconds(60));
  }

  /**
   * Starts every run that is due now and not yet handled.
   *
   * @return what was done about each due run; empty if none was due
   * @throws com.avnology.backup.StorageException if the coordinator cannot be reached
   */
  public synchronized List<Tick> tick() {
    List<Tick> ticks = new ArrayList<>();
    if (closing) {
      return ticks;
    }
    Instant now = clock.instant();
    for (JobState s : states.values()) {
      Instant due = s.job.schedule().latest(now, clock.getZone());
      if (!due.isAfter(s.handled) || now.isBefore(due.plus(jitterOf(s.job, due)))) {
        continue;
      }
      s.handled = due;
      if (s.running != null && !s.running.isDone()) {
        log.warn(
            "job {} due {} skipped: its run due {} is still going",
            s.job.name(),
            due,
            s.runningDue);
        ticks.add(new Tick(s.job.name(), due, Tick.Action.SKIPPED_OVERLAP));
        continue;
      }
      Optional<RunCoordinator.Claim> claim = coordinator.claim(s.job.name(), due);
      if (claim.isEmpty()) {
        log.debug("job {} due {} is run by another replica", s.job.name(), due);
        ticks.add(new Tick(s.job.name(), due, Tick.Action.CLAIMED_ELSEWHERE));
        continue;
      }
      s.runningDue = due;
      s.running = runners.submit(() -> execute(s, due, claim.get()));
      ticks.add(new Tick(s.job.name(), due, Tick.Action.STARTED));
    }
    return ticks;
  }

  private void execute(JobState s, Instant due, RunCoordinator.Claim claim) {
    try {
      RunRecord record = runOnce(s.job, due);
      try {
        claim.finished(record);
      } catch (RuntimeException e) {
        log.warn("cannot record the end of job {} due {}: {}", s.job.name(), due, e.getMessage());
      }
      s.record(record);
      if (history != null) {
        JobHistory.record(
            history,
            record,
            s.job.schedule().toString(),
            s.job.schedule().next(clock.instant(), clock.getZone()));
      }
    } finally {
      claim.close();
    }
  }

  private RunRecord runOnce(Job job, Instant due) {
    Instant started = clock.instant();
    try {
      log.info("job {} due {} started", job.name(), due);
      Job.Outcome outcome = job.run(clock);
      log.info("job {} due {} succeeded: {}", job.name(), due, outcome.summary());
      return new RunRecord(
          job.name(),
          due,
          started,
          clock.instant(),
          true,
          outcome.summary(),
          outcome.setId(),
          outcome.bytes());
    } catch (RuntimeException e) {
      log.warn("job {} due {} failed: {}", job.name(), due, e.getMessage());
      return new RunRecord(
          job.name(),
          due,
          started,
          clock.instant(),
          false,
          String.valueOf(e.getMessage()),
          Optional.empty(),
          0);
    }
  }

  private Duration jitterOf(Job job, Instant due) {
    if (jitter.isZero()) {
      return Duration.ZERO;
    }
    long h = (job.name() + "@" + due).hashCode() * 0x9E3779B97F4A7C15L;
    return Duration.ofMillis(Math.floorMod(h, jitter.toMillis()));
  }

  /**
   * Waits until no run is going on this replica.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  public void awaitIdle() throws InterruptedException {
    List<Future<?>> running = new ArrayList<>();
    synchronized (this) {
      states.values().stream().filter(s -> s.running != null).forEach(s -> running.add(s.running));
    }
    for (Future<?> f : running) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException
          | java.util.concurrent.CancellationException e) {
        // execute() records its own failures
      }
    }
  }

  /** {@return each job's last run, last success, next due time and health, in job order} */
  public synchronized List<JobStatus> status() {
    Instant now = clock.instant();
    List<JobStatus> status = new ArrayList<>();
    for (JobState s : states.values()) {
      Duration period = s.job.schedule().period(now, clock.getZone());
      Instant since = s.lastSuccess != null ? s.lastSuccess.finishedAt() : createdAt;
      boolean healthy =
          !now.isAfter(since.plus(period.multipliedBy(2)))
              && !(s.job.isCheck() && s.last != null && !s.last.succeeded());
      status.add(
          new JobStatus(
              s.job.name(),
              s.job.schedule().toString(),
              s.job.schedule().next(now, clock.getZone()),
              s.running != null && !s.running.isDone(),
              Optional.ofNullable(s.last),
              Optional.ofNullable(s.lastSuccess),
              s.failures,
              s.runs,
              s.successes,
              healthy));
    }
    return status;
  }

  /**
   * Stops: no new run starts; running ones finish (up to the shutdown timeout, then they are
   * interrupted and a backup among them removes its unpublished set). Safe to call more than once.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closing) {
        return;
      }
      closing = true;
      if (timer != null) {
        timer.interrupt();
      }
    }
    runners.shutdown();
    try {
      if (!runners.awaitTermination(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("runs still going after {}: interrupting them", shutdownTimeout);
        runners.shutdownNow();
        runners.awaitTermination(1, TimeUnit.MINUTES);
      }
    } catch (InterruptedException e) {
      runners.shutdownNow();
      Thread.currentThread().interrupt();
    }
    log.info("scheduler stopped");
  }

  @Override
  public String toString() {
    return "Scheduler[" + jobs.stream().map(Job::name).toList() + ", " + coordinator + "]";
  }

  /** A job's state on this replica; guarded by the scheduler's lock. */
  private final class JobState {
    final Job job;
    Instant handled;
    Future<?> running;
    Instant runningDue;
    RunRecord last;
    RunRecord lastSuccess;
    int failures;
    long runs;
    long successes;

    JobState(Job job, Instant handled) {
      this.job = job;
      this.handled = handled;
    }

    void record(RunRecord r) {
      synchronized (Scheduler.this) {
        last = r;
        runs++;
        if (r.succeeded()) {
          successes++;
          lastSuccess = r;
          failures = 0;
        } else {
          failures++;
        }
      }
    }
  }

  /** Collects a scheduler's settings. Not thread-safe. */
  public static final class Builder {
    private final List<Job> jobs = new ArrayList<>();
    private Clock clock = Clock.systemUTC();
    private RunCoordinator coordinator = RunCoordinator.local();
    private MissedRuns missedRuns = MissedRuns.SKIP;
    private Duration jitter = Duration.ZERO;
    private Duration shutdownTimeout = Duration.ofMinutes(15);
    private BackupSink history;

    private Builder() {}

    /**
     * {@return this builder}
     *
     * @param sink where each run is recorded (under {@code jobs/<job>/}, the newest {@value
     *     JobHistory#KEEP} per job), for {@link JobHistory#read(BackupSink)} and {@code status
     *     --from}; not recorded by default
     */
    public Builder history(BackupSink sink) {
      this.history = requireNonNull(sink, "null sink");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param job a job to run
     */
    public Builder job(Job job) {
      jobs.add(requireNonNull(job, "null job"));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param clock the time source deciding what is due, and the zone of daily, weekly and cron
     *     schedules; the system UTC clock by default
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "null clock");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param coordinator who decides which replica runs a due run; {@link RunCoordinator#local()}
     *     (this process only) by default
     */
    public Builder coordinator(RunCoordinator coordinator) {
      this.coordinator = requireNonNull(coordinator, "null coordinator");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param policy what to do at start about a due time that passed while down; {@link
     *     MissedRuns#SKIP} by default
     */
    public Builder missedRuns(MissedRuns policy) {
      this.missedRuns = requireNonNull(policy, "null policy");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param max the longest delay added to a run after its due time (the same delay on every
     *     replica); none by default
     * @throws IllegalArgumentException if negative
     */
    public Builder jitter(Duration max) {
      requireNonNull(max, "null max");
      if (max.isNegative()) {
        throw new IllegalArgumentException("jitter cannot be negative: " + max);
      }
      this.jitter = max;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param timeout how long {@link Scheduler#close()} waits for running jobs before interrupting
     *     them; 15 minutes by default
     * @throws IllegalArgumentException if negative
     */
    public Builder shutdownTimeout(Duration timeout) {
      requireNonNull(timeout, "null timeout");
      if (timeout.isNegative()) {
        throw new IllegalArgumentException("shutdown timeout cannot be negative: " + timeout);
      }
      this.shutdownTimeout = timeout;
      return this;
    }

    /**
     * {@return the scheduler, not started}
     *
     * @throws IllegalStateException if it has no job, or two jobs share a name
     */
    public Scheduler build() {
      if (jobs.isEmpty()) {
        throw new IllegalStateException("a scheduler needs at least one job: add one with job()");
      }
      java.util.Set<String> names = new java.util.HashSet<>();
      for (Job job : jobs) {
        if (!names.add(job.name())) {
          throw new IllegalStateException(
              "two jobs are named "
                  + job.name()
                  + ": give each a distinct name (replicas tell runs apart by it)");
        }
      }
      return new Scheduler(this);
    }
  }
}
