package com.avnology.backup;

/**
 * What is backed up and restored: a directory ({@link VolumeTarget}), a PostgreSQL database, a
 * bucket, …. A target writes its artifacts through a {@link BackupContext} and reads them back
 * through a {@link RestoreContext}; it never sees the sink, so hashing, publishing and verification
 * are the library's, not each target's.
 *
 * <p>Implementations are immutable and thread-safe: one target may serve many backups.
 */
public interface BackupTarget {
  /**
   * @return the kind of thing backed up, such as {@code volume}; artifacts are stored under it
   */
  String kind();

  /**
   * @return the target's name, unique per kind within a backup, such as {@code certs}
   */
  String name();

  /**
   * Writes this target's artifacts. Throwing aborts the whole backup: nothing is published.
   *
   * @param context where artifacts go
   * @throws BackupException if the backup of this target fails
   */
  void backup(BackupContext context);

  /**
   * Restores this target from its artifacts, which the library has already verified.
   *
   * @param context where artifacts come from
   * @throws BackupException if the restore fails; the message says what state the target is in
   */
  void restore(RestoreContext context);
}
