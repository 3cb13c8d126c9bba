package com.avnology.backup;

/**
 * Receives progress of backups and restores. Called from the library's threads, possibly several at
 * once, so implementations must be thread-safe and quick. An exception thrown by a listener is
 * logged and otherwise ignored: progress reporting never fails a backup.
 */
@FunctionalInterface
public interface ProgressListener {
  /** A listener that ignores everything. */
  ProgressListener NONE = progress -> {};

  /**
   * Receives a progress report.
   *
   * @param progress where the backup or restore stands
   */
  void onProgress(Progress progress);
}
