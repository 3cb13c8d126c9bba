package com.avnology.backup.s3;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link BucketMirror} run did.
 *
 * @param copied objects copied
 * @param removed objects deleted from the destination
 * @param skipped objects left alone: identical, or differing with overwrite off
 * @param bytes bytes copied
 * @param kept keys that differ but were not overwritten because overwrite is off
 * @param elapsed how long the run took
 */
public record MirrorResult(
    long copied, long removed, long skipped, long bytes, List<String> kept, Duration elapsed) {
  /**
   * Copies.
   *
   * @param copied objects copied
   * @param removed objects deleted from the destination
   * @param skipped objects left alone: identical, or differing with overwrite off
   * @param bytes bytes copied
   * @param kept keys that differ but were not overwritten because overwrite is off
   * @param elapsed how long the run took
   */
  public MirrorResult {
    kept = List.copyOf(kept);
  }
}
