package com.avnology.backup;

/**
 * Root of the library's unchecked exceptions. Every message says what failed, the offending value
 * (never a secret) and, where there is one, the fix.
 *
 * <p>Subclasses a caller can act on: {@link IntegrityException} (stored bytes do not match what was
 * recorded), {@link NotFoundException} (no such set, target or artifact), {@link
 * UnsafeArchiveException} (an archive entry would land outside its target), {@link
 * StorageException} (the sink or the source failed).
 */
public class BackupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, the offending value and the fix
   */
  public BackupException(String message) {
    super(message);
  }

  /**
   * @param message what failed, the offending value and the fix
   * @param cause the underlying failure
   */
  public BackupException(String message, Throwable cause) {
    super(message, cause);
  }
}
