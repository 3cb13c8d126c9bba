package com.avnology.backup.schedule;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One run of a job.
 *
 * @param job the job's name
 * @param due the due time it ran for
 * @param startedAt when it started
 * @param finishedAt when it ended
 * @param succeeded whether it succeeded
 * @param message the failure's message, or a summary of the success
 * @param setId the set a backup job published, if it did
 * @param bytes the stored size of that set, 0 without one
 */
public record RunRecord(
    String job,
    Instant due,
    Instant startedAt,
    Instant finishedAt,
    boolean succeeded,
    String message,
    Optional<String> setId,
    long bytes) {
  /**
   * Validates.
   *
   * @param job the job's name
   * @param due the due time it ran for
   * @param startedAt when it started
   * @param finishedAt when it ended
   * @param succeeded whether it succeeded
   * @param message the failure's message, or a summary of the success
   * @param setId the set a backup job published, if it did
   * @param bytes the stored size of that set, 0 without one
   */
  public RunRecord {
    requireNonNull(job, "null job");
    requireNonNull(due, "null due");
    requireNonNull(startedAt, "null startedAt");
    requireNonNull(finishedAt, "null finishedAt");
    requireNonNull(message, "null message");
    requireNonNull(setId, "null setId");
  }

  /** {@return how long it ran} */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }
}
