package com.avnology.backup;

/**
 * A snapshot of a running backup or restore, given to a {@link ProgressListener}.
 *
 * @param setId the set being written or read
 * @param phase what is happening now
 * @param target the target being processed, as {@code kind/name}, or {@code ""} between targets
 * @param bytes stored bytes written or read so far, over all targets
 * @param entries entries (files, tables, …) done so far, over all targets
 * @param totalBytes stored bytes the run will read (a restore knows them from the manifest), or -1
 *     when unknown (a backup)
 * @param totalEntries entries the targets announced so far, or -1 when none did
 * @param rows table rows copied so far (databases)
 * @param totalRows rows the targets expect to copy (a database backup estimates them from the
 *     catalog's statistics, a restore knows them from the manifest), or -1 when unknown
 */
public record Progress(
    String setId,
    Phase phase,
    String target,
    long bytes,
    long entries,
    long totalBytes,
    long totalEntries,
    long rows,
    long totalRows) {
  /**
   * Progress without totals or rows.
   *
   * @param setId the set being written or read
   * @param phase what is happening now
   * @param target the target being processed, or {@code ""}
   * @param bytes stored bytes so far
   * @param entries entries done so far
   */
  public Progress(String setId, Phase phase, String target, long bytes, long entries) {
    this(setId, phase, target, bytes, entries, -1, -1, 0, -1);
  }

  /**
   * {@return the estimated fraction done, 0 to 1, from bytes when their total is known, else rows,
   * else entries; empty when no total is known}
   */
  public java.util.OptionalDouble fractionDone() {
    if (totalBytes > 0) {
      return java.util.OptionalDouble.of(Math.min(1.0, (double) bytes / totalBytes));
    }
    if (totalRows > 0) {
      return java.util.OptionalDouble.of(Math.min(1.0, (double) rows / totalRows));
    }
    if (totalEntries > 0) {
      return java.util.OptionalDouble.of(Math.min(1.0, (double) entries / totalEntries));
    }
    return java.util.OptionalDouble.empty();
  }

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
