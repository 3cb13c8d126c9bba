package com.avnology.backup;

/**
 * An archive entry would be written outside its target directory (an absolute path, a {@code ..}
 * component, or a path through a symbolic link). Nothing of the archive is written when this is
 * thrown by a restore.
 */
public class UnsafeArchiveException extends BackupException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and how to fix it
   */
  public UnsafeArchiveException(String message) {
    super(message);
  }

  /**
   * @param message what failed and how to fix it
   * @param cause the underlying failure
   */
  public UnsafeArchiveException(String message, Throwable cause) {
    super(message, cause);
  }
}
