package com.avnology.backup.schedule;

import java.time.Instant;
import java.util.Optional;

/**
 * One job as a {@link Scheduler} sees it.
 *
 * @param job the job's name
 * @param schedule its schedule, as text
 * @param nextDue its next due time
 * @param running whether a run of it is going on this replica
 * @param lastRun its last run on this replica, if any
 * @param lastSuccess its last successful run on this replica, if any
 * @param failures failed runs in a row on this replica
 * @param runs runs on this replica since it started
 * @param successes successful runs on this replica since it started
 * @param healthy false when it has not succeeded within twice its period (counted from the
 *     scheduler's start when it never has), or, for a {@linkplain Job#check check}, when its last
 *     run failed
 */
public record JobStatus(
    String job,
    String schedule,
    Instant nextDue,
    boolean running,
    Optional<RunRecord> lastRun,
    Optional<RunRecord> lastSuccess,
    int failures,
    long runs,
    long successes,
    boolean healthy) {}
