package com.avnology.backup.schedule;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupResult;
import com.avnology.backup.internal.Names;
import com.avnology.backup.retention.Pruner;
import com.avnology.backup.retention.RetentionPolicy;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Something a {@link Scheduler} runs on a {@link Schedule}: a {@link Backup} (with retention
 * applied to its sink after each success) or any task.
 *
 * <pre>{@code
 * Job db = Job.builder("db", Schedule.every(Duration.ofHours(6)), backup)
 *     .retention(RetentionPolicy.builder().days(30).last(3).build()).build();
 * Job mirror = Job.task("branding-offsite", Schedule.cron("0 3 * * *"), () -> mirror.run());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Job {
  private final String name;
  private final Schedule schedule;
  private final Backup backup;
  private final Supplier<String> task;
  private final RetentionPolicy retention;
  private final boolean check;

  private Job(
      String name,
      Schedule schedule,
      Backup backup,
      Supplier<String> task,
      RetentionPolicy retention,
      boolean check) {
    this.name = Names.checkName("job", requireNonNull(name, "null name"));
    this.schedule = requireNonNull(schedule, "null schedule");
    this.backup = backup;
    this.task = task;
    this.retention = retention;
    this.check = check;
  }

  /**
   * {@return a builder of a backup job}
   *
   * @param name the job's name: lowercase letters, digits, {@code -} and {@code _}
   * @param schedule when it runs
   * @param backup what it runs
   * @throws IllegalArgumentException if the name is not allowed
   */
  public static Builder builder(String name, Schedule schedule, Backup backup) {
    return new Builder(name, schedule, requireNonNull(backup, "null backup"));
  }

  /**
   * {@return a job running a task (nothing optional: no builder)}
   *
   * @param name the job's name: lowercase letters, digits, {@code -} and {@code _}
   * @param schedule when it runs
   * @param task what it runs; returns a one-line summary, throws to fail
   * @throws IllegalArgumentException if the name is not allowed
   */
  public static Job task(String name, Schedule schedule, Supplier<String> task) {
    return new Job(name, schedule, null, requireNonNull(task, "null task"), null, false);
  }

  /**
   * A check, such as a scheduled test restore: like {@link #task}, but the health of the scheduler
   * ({@link JobStatus#healthy()}) turns false as soon as a run of it fails, not only when it has
   * not succeeded within twice its period. A check that finds a problem throws.
   *
   * @param name the job's name: lowercase letters, digits, {@code -} and {@code _}
   * @param schedule when it runs
   * @param check what it runs; returns a one-line summary, throws when the check fails
   * @return the job
   * @throws IllegalArgumentException if the name is not allowed
   */
  public static Job check(String name, Schedule schedule, Supplier<String> check) {
    return new Job(name, schedule, null, requireNonNull(check, "null check"), null, true);
  }

  /** {@return whether this job is a {@linkplain #check check}} */
  public boolean isCheck() {
    return check;
  }

  /** {@return the job's name} */
  public String name() {
    return name;
  }

  /** {@return when it runs} */
  public Schedule schedule() {
    return schedule;
  }

  /** {@return the retention applied after each successful backup, if any} */
  public Optional<RetentionPolicy> retention() {
    return Optional.ofNullable(retention);
  }

  /** Runs once: the backup, then retention; or the task. */
  Outcome run(Clock clock) {
    if (backup == null) {
      return new Outcome(task.get(), Optional.empty(), 0);
    }
    BackupResult result = backup.run();
    long bytes = result.targets().stream().mapToLong(t -> t.size()).sum();
    String summary = "published set " + result.setId();
    if (retention != null) {
      var report = Pruner.builder(backup.sink(), retention).clock(clock).build().prune();
      summary += "; retention " + retention + " deleted " + report.deleted().size() + " sets";
    }
    return new Outcome(summary, Optional.of(result.setId()), bytes);
  }

  /** What a successful run produced. */
  record Outcome(String summary, Optional<String> setId, long bytes) {}

  @Override
  public String toString() {
    return "Job["
        + name
        + (check ? " (check)" : "")
        + ", "
        + schedule
        + (backup != null ? ", " + backup : "")
        + (retention != null ? ", " + retention : "")
        + "]";
  }

  /** Collects a backup job's settings. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final Schedule schedule;
    private final Backup backup;
    private RetentionPolicy retention;

    private Builder(String name, Schedule schedule, Backup backup) {
      this.name = Names.checkName("job", requireNonNull(name, "null name"));
      this.schedule = requireNonNull(schedule, "null schedule");
      this.backup = backup;
    }

    /**
     * {@return this builder}
     *
     * @param policy applied to the backup's sink after each successful backup
     */
    public Builder retention(RetentionPolicy policy) {
      this.retention = requireNonNull(policy, "null policy");
      return this;
    }

    /** {@return the job} */
    public Job build() {
      return new Job(name, schedule, backup, null, retention, false);
    }
  }
}
