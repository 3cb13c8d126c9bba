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
   * {@return the kind of thing backed up, such as {@code volume}; artifacts are stored under it}
   */
  String kind();

  /** {@return the target's name, unique per kind within a backup, such as {@code certs}} */
  String name();

  /**
   * Writes this target's artifacts. Throwing aborts the whole backup: nothing is published.
   *
   * @param context where artifacts go
   * @throws BackupException if the backup of this target fails
   */
  void backup(BackupContext context);

  /**
   * Restores this target from its artifacts. Unless {@link #verifiesWhileRestoring()}, the library
   * has verified them already; the streams of {@link RestoreContext#open} check them again as they
   * are read.
   *
   * @param context where artifacts come from
   * @throws BackupException if the restore fails; the message says what state the target is in
   * @throws IntegrityException if an artifact turns out damaged as it is read
   */
  void restore(RestoreContext context);

  /**
   * Whether this target can be trusted with artifacts nobody has checked yet: it reads every
   * artifact it uses to its end (where {@link RestoreContext#open}'s stream checks size and
   * SHA-256) before it makes anything it wrote final, and when a check fails, it leaves its
   * destination as it found it and throws {@link IntegrityException}. {@link RestorePlan} then
   * skips the separate verification pass over this target's artifacts when the target is restored
   * first (only then: damage in a later target must stop the restore before anything is written),
   * so they are read once instead of twice.
   *
   * @return {@code false} (the default): every artifact is verified before anything is written
   */
  default boolean verifiesWhileRestoring() {
    return false;
  }

  /**
   * Says where a restore of this target would write and what it would drop or overwrite there, for
   * a {@link RestorePlan#describe() dry run}; reads, never writes.
   *
   * @param context the artifacts the restore would read
   * @return one sentence, such as {@code directory /letsencrypt (absent: created)}
   */
  default String describeRestore(RestoreContext context) {
    return toString();
  }

  /**
   * Says, before anything of a restore is written, whether this target's destination would refuse
   * it (not empty, a restore that never finished), so that a plan of several targets restores none
   * instead of some. Reads, never writes.
   *
   * @param context the artifacts the restore would read
   * @return why the restore would be refused, with the fix; empty if it would proceed
   */
  default java.util.Optional<String> refusal(RestoreContext context) {
    return java.util.Optional.empty();
  }

  /**
   * Checks, after a restore, that the destination holds what the backup recorded (rows, objects,
   * files and bytes). Reads, never writes.
   *
   * @param context the artifacts the restore read
   * @return the checks made; none by default
   */
  default java.util.List<HealthCheck> checkRestored(RestoreContext context) {
    return java.util.List.of();
  }
}
