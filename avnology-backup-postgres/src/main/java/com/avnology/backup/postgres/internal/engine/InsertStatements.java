package com.avnology.backup.postgres.internal.engine;

import java.io.IOException;
import java.io.Reader;

/**
 * The statements of a {@code TABLE DATA} entry written by {@code pg_dump --inserts} or {@code
 * --column-inserts}: INSERT commands run together, split at the semicolons outside quoted literals
 * and identifiers, as pg_restore's {@code ExecuteSimpleCommands} splits them (such data holds no
 * comments, E'' literals or dollar quotes; standard_conforming_strings is on, which the restore
 * checks, so a backslash never escapes a quote). Newlines between statements are skipped.
 */
final class InsertStatements {
  private final Reader in;
  private final StringBuilder current = new StringBuilder();

  /**
   * @param in the entry's data, decoded
   */
  InsertStatements(Reader in) {
    this.in = in;
  }

  /**
   * @return the next statement with its semicolon, or null at the end of the data
   * @throws IOException on read failure, or when the data ends inside a statement (a damaged or
   *     truncated entry)
   */
  String next() throws IOException {
    char quote = 0;
    int ch;
    while ((ch = in.read()) != -1) {
      char c = (char) ch;
      if (c == '\n' && current.length() == 0) {
        continue;
      }
      current.append(c);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == ';') {
        String statement = current.toString();
        current.setLength(0);
        return statement;
      } else if (c == '\'' || c == '"') {
        quote = c;
      }
    }
    if (!current.toString().isBlank()) {
      throw new IOException(
          "the data ends inside a statement ("
              + current.substring(0, Math.min(current.length(), 60))
              + "…)");
    }
    return null;
  }
}
