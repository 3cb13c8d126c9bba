package com.avnology.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A published backup set.
 *
 * @param setId the new set's id
 * @param startedAt when the backup started
 * @param finishedAt when the manifest was published
 * @param targets per target: time, entries, artifacts with sizes and SHA-256
 */
public record BackupResult(
    String setId, Instant startedAt, Instant finishedAt, List<TargetResult> targets) {
  /**
   * Copies the list.
   *
   * @param setId the new set's id
   * @param startedAt when the backup started
   * @param finishedAt when the manifest was published
   * @param targets per target: time, entries, artifacts with sizes and SHA-256
   */
  public BackupResult {
    targets = List.copyOf(targets);
  }

  /** {@return the backup's wall time} */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }

  /** {@return the stored size of all artifacts, in bytes} */
  public long size() {
    return targets.stream().mapToLong(TargetResult::size).sum();
  }
}
