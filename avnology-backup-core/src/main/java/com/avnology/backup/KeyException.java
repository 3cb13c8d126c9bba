package com.avnology.backup;

/**
 * Encryption was asked for but cannot be applied, or a set cannot be opened with the key given: the
 * key is missing, malformed or wrong, or an encrypted set is read without a key. Nothing was
 * published or restored when this is thrown. Messages never hold key material.
 */
public class KeyException extends BackupException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and how to fix it
   */
  public KeyException(String message) {
    super(message);
  }

  /**
   * @param message what failed and how to fix it
   * @param cause the underlying failure
   */
  public KeyException(String message, Throwable cause) {
    super(message, cause);
  }
}
