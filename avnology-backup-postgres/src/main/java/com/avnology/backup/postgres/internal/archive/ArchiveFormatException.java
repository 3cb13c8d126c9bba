package com.avnology.backup.postgres.internal.archive;

import java.io.IOException;

/** A pg_dump archive file is truncated, corrupt, or of a version or kind not supported. */
public final class ArchiveFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong, and where
   */
  public ArchiveFormatException(String message) {
    super(message);
  }

  /**
   * @param message what is wrong, and where
   * @param cause the underlying failure
   */
  public ArchiveFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
