package com.avnology.backup;

import java.time.Duration;
import java.util.List;

/**
 * What happened to one target in a backup or a restore.
 *
 * @param kind the target kind
 * @param name the target name
 * @param duration how long the target took
 * @param entries entries (files, tables, …) processed
 * @param artifacts the artifacts written or read, with sizes and hashes
 */
public record TargetResult(
    String kind, String name, Duration duration, long entries, List<Manifest.Artifact> artifacts) {
  /**
   * Copies the list.
   *
   * @param kind the target kind
   * @param name the target name
   * @param duration how long the target took
   * @param entries entries (files, tables, …) processed
   * @param artifacts the artifacts written or read, with sizes and hashes
   */
  public TargetResult {
    artifacts = List.copyOf(artifacts);
  }

  /** {@return the stored size of the target's artifacts, in bytes} */
  public long size() {
    return artifacts.stream().mapToLong(Manifest.Artifact::size).sum();
  }
}
