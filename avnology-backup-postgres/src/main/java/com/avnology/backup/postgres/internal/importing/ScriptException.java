package com.avnology.backup.postgres.internal.importing;

import java.io.IOException;

/** A SQL script that cannot be read to its end: truncated, or not what pg_dump writes. */
final class ScriptException extends IOException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message what is wrong and where
   */
  public ScriptException(String message) {
    super(message);
  }
}
