package com.avnology.backup;

/**
 * Stored bytes do not match what the manifest recorded (size or SHA-256), or an artifact is
 * missing, unreadable or malformed. The message names the artifact.
 */
public class IntegrityException extends BackupException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and how to fix it
   */
  public IntegrityException(String message) {
    super(message);
  }

  /**
   * @param message what failed and how to fix it
   * @param cause the underlying failure
   */
  public IntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
