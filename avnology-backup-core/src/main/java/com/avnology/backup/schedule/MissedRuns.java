package com.avnology.backup.schedule;

/**
 * What a {@link Scheduler} does, when it starts, about a due time that passed while it was down.
 */
public enum MissedRuns {
  /** Nothing: wait for the next due time. */
  SKIP,
  /**
   * Run the latest missed due time once, at once, unless the coordinator records it as claimed (by
   * this or another replica); with {@link RunCoordinator#local()} (no record survives a restart)
   * that means one run at every start.
   */
  RUN_ONCE
}
