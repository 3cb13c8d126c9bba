package com.avnology.backup.postgres.internal.engine;

/** What a database restore tells about its progress. Implementations are thread-safe. */
public interface RestoreProgress {
  /** Tells nothing. */
  RestoreProgress NONE = new RestoreProgress() {};

  /**
   * Announces how many entries the restore will apply.
   *
   * @param entries archive entries the restore will apply
   */
  default void expect(long entries) {}

  /** One archive entry was applied. */
  default void entryDone() {}

  /**
   * Counts table rows loaded.
   *
   * @param rows table rows just loaded
   */
  default void rowsDone(long rows) {}
}
