package com.avnology.backup.postgres.internal.catalog;

import java.util.regex.Pattern;

/**
 * SQL identifier quoting, the one place for it. Three forms, each for a reason: {@link
 * #fmtId(String)} writes what pg_dump 15 writes (archive text is compared with it byte for byte);
 * {@link #quote(String)} is for the statements this library runs (newer keywords quoted too);
 * {@link #alwaysQuoted(String)} is Flyway's form of a name, on which its advisory lock key depends.
 */
public final class Identifiers {
  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_]*");

  private Identifiers() {}

  /**
   * {@return it, double-quoted unless plain lower-case and not a keyword of PostgreSQL 15 or later}
   *
   * @param name an identifier
   */
  public static String quote(String name) {
    // statements we run, not compared with pg_dump's text: quoting newer keywords too is harmless
    if (PLAIN.matcher(name).matches()
        && !Keywords.PG15.contains(name)
        && !Keywords.SINCE_PG16.contains(name)) {
      return name;
    }
    return alwaysQuoted(name);
  }

  /**
   * {@return it as pg_dump 15's {@code fmtId} writes it: double-quoted unless plain lower-case and
   * not one of PostgreSQL 15's keywords}
   *
   * @param name an identifier
   */
  public static String fmtId(String name) {
    if (PLAIN.matcher(name).matches() && !Keywords.PG15.contains(name)) {
      return name;
    }
    return alwaysQuoted(name);
  }

  /**
   * {@return it double-quoted, inner double quotes doubled}
   *
   * @param name an identifier
   */
  public static String alwaysQuoted(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
