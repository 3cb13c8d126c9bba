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
 */
public record RestoreResult(
    String setId, Duration verifyDuration, Duration duration, List<TargetResult> targets) {
  /** Copies the list. */
  public RestoreResult {
    targets = List.copyOf(targets);
  }
}
