package com.avnology.backup;

/**
 * A snapshot of a running backup or restore, given to a {@link ProgressListener}.
 *
 * @param setId the set being written or read
 * @param phase what is happening now
 * @param target the target being processed, as {@code kind/name}, or {@code ""} between targets
 * @param bytes stored bytes written or read so far, over all targets
 * @param entries entries (files, tables, …) done so far, over all targets
 */
public record Progress(String setId, Phase phase, String target, long bytes, long entries) {
  /** What a backup or restore is doing. */
  public enum Phase {
    /** Writing a target's artifacts. */
    BACKUP,
    /** Writing the manifest, which publishes the set. */
    PUBLISH,
    /** Checking artifacts' sizes and hashes. */
    VERIFY,
    /** Restoring a target. */
    RESTORE,
    /** Finished successfully. */
    DONE
  }
}
