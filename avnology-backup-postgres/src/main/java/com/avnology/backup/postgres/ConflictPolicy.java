package com.avnology.backup.postgres;

/**
 * What a {@link TenantRestorePlan} does with a row that is both in the backup and in the live
 * database, matched by primary key (or, for a table without one, its first unique constraint; a
 * table with neither matches whole rows).
 */
public enum ConflictPolicy {
  /** Keep the live row as it is; the backup's row is skipped. The default. */
  SKIP,
  /** Replace the live row's columns with the backup's, where they differ. */
  OVERWRITE,
  /** Refuse the restore, writing nothing, if any such row exists. */
  FAIL
}
