package com.avnology.backup.postgres;

import com.avnology.backup.BackupException;

/**
 * A schema migration, validation or rollback failed or was refused. The message names the migration
 * (version and file), what went wrong and the fix; it never holds a password.
 */
public class MigrationException extends BackupException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what failed, the offending value and the fix
   */
  public MigrationException(String message) {
    super(message);
  }

  /**
   * @param message what failed, the offending value and the fix
   * @param cause the underlying failure
   */
  public MigrationException(String message, Throwable cause) {
    super(message, cause);
  }
}
