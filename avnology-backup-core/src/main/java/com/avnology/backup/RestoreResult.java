package com.avnology.backup;

import java.time.Duration;
import java.util.List;

/**
 * A finished restore.
 *
 * @param setId the set restored
 * @param verifyDuration the time spent checking every artifact before anything was written
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
