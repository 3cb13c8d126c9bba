package com.avnology.backup.postgres.internal.migrate;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spots statements PostgreSQL refuses inside a transaction block (the same families Flyway's
 * PostgreSQL parser treats as non-transactional). A pre-check only: the server's own refusal
 * (SQLSTATE 25001) is caught as well.
 */
final class NonTransactional {
  private static final Pattern COMMENTS = Pattern.compile("--[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
  private static final Pattern STATEMENT =
      Pattern.compile(
          "(?:^|;)\\s*((?:CREATE|DROP)(?:\\s+UNIQUE)?\\s+INDEX\\s+CONCURRENTLY"
              + "|REINDEX\\b[^;]*\\bCONCURRENTLY|REINDEX(?:\\s+VERBOSE)?\\s+(?:SCHEMA|DATABASE|SYSTEM)"
              + "|(?:CREATE|DROP)\\s+(?:DATABASE|TABLESPACE|SUBSCRIPTION)"
              + "|ALTER\\s+SYSTEM|VACUUM|ALTER\\s+TABLE[^;]*\\bDETACH\\s+PARTITION[^;]*\\bCONCURRENTLY)",
          Pattern.CASE_INSENSITIVE);

  private NonTransactional() {}

  /**
   * {@return the first statement start that cannot run in a transaction, if any}
   *
   * @param sql a script
   */
  static Optional<String> find(String sql) {
    String plain = COMMENTS.matcher(sql).replaceAll(" ");
    Matcher m = STATEMENT.matcher(plain);
    return m.find() ? Optional.of(m.group(1).replaceAll("\\s+", " ")) : Optional.empty();
  }
}
