package com.avnology.backup;

/** Reading from or writing to a sink or a source failed (I/O error, permission, full disk). */
public class StorageException extends BackupException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and how to fix it
   */
  public StorageException(String message) {
    super(message);
  }

  /**
   * @param message what failed and how to fix it
   * @param cause the underlying failure
   */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
