package com.avnology.backup;

import java.time.Duration;
import java.util.List;

/**
 * A finished restore.
 *
 * @param setId the set restored
 * @param verifyDuration the time spent checking artifacts before anything was written (those of
 *     targets that {@linkplain BackupTarget#verifiesWhileRestoring() verify while restoring} are
 *     checked as they are read instead)
 * @param duration the restore's whole wall time, verification included
 * @param targets per target: time, entries, artifacts read
 * @param checks the healthcheck run after the restore, all passed; empty when none was asked
 */
public record RestoreResult(
    String setId,
    Duration verifyDuration,
    Duration duration,
    List<TargetResult> targets,
    List<HealthCheck> checks) {
  /**
   * Copies the lists.
   *
   * @param setId the set restored
   * @param verifyDuration the time spent checking artifacts before anything was written (those of
   *     targets that {@linkplain BackupTarget#verifiesWhileRestoring() verify while restoring} are
   *     checked as they are read instead)
   * @param duration the restore's whole wall time, verification included
   * @param targets per target: time, entries, artifacts read
   * @param checks the healthcheck run after the restore, all passed; empty when none was asked
   */
  public RestoreResult {
    targets = List.copyOf(targets);
    checks = List.copyOf(checks);
  }

  /**
   * A restore without a healthcheck.
   *
   * @param setId the set restored
   * @param verifyDuration the time spent checking artifacts before anything was written
   * @param duration the restore's whole wall time
   * @param targets per target: time, entries, artifacts read
   */
  public RestoreResult(
      String setId, Duration verifyDuration, Duration duration, List<TargetResult> targets) {
    this(setId, verifyDuration, duration, targets, List.of());
  }
}
