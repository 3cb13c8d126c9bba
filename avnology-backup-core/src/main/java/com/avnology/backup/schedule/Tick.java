package com.avnology.backup.schedule;

import java.time.Instant;

/**
 * What a {@link Scheduler#tick()} did about one due run.
 *
 * @param job the job's name
 * @param due the due time
 * @param action what happened
 */
public record Tick(String job, Instant due, Action action) {
  /** What happened to a due run. */
  public enum Action {
    /** This replica claimed it and started it. */
    STARTED,
    /** Skipped: the job's previous run, on this replica, is still going (logged). */
    SKIPPED_OVERLAP,
    /** Another replica runs the job now, or ran this due time already. */
    CLAIMED_ELSEWHERE
  }
}
