package com.avnology.backup;

/**
 * A restore was stopped before it finished: the process was asked to shut down (SIGINT, SIGTERM,
 * {@link System#exit}) while it ran. {@link #destinationUnchanged()} says whether what was restored
 * so far was undone; the message says what state the destination is in either way.
 */
public class RestoreInterruptedException extends BackupException {
  private static final long serialVersionUID = 1L;

  /** Whether the destination is as it was before the restore. */
  private final boolean destinationUnchanged;

  /**
   * @param message what was interrupted and what state it left
   * @param destinationUnchanged whether the destination is as it was before the restore
   * @param cause the failure the interruption caused, or null
   */
  public RestoreInterruptedException(
      String message, boolean destinationUnchanged, Throwable cause) {
    super(message, cause);
    this.destinationUnchanged = destinationUnchanged;
  }

  /** {@return whether the destination is exactly as it was before the restore started} */
  public boolean destinationUnchanged() {
    return destinationUnchanged;
  }
}
