package com.avnology.backup;

/**
 * A backup set, a target within a set, or an artifact does not exist. The message names what was
 * asked for and what exists.
 */
public class NotFoundException extends BackupException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed and how to fix it
   */
  public NotFoundException(String message) {
    super(message);
  }

  /**
   * @param message what failed and how to fix it
   * @param cause the underlying failure
   */
  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
