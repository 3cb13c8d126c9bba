package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.catalog.Keywords;
import java.util.regex.Pattern;

/** SQL identifier quoting as pg_dump's {@code fmtId} does it (quote unless plain lower-case). */
public final class Identifiers {
  private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_]*");

  private Identifiers() {}

  /**
   * @param name an identifier
   * @return it, double-quoted if needed
   */
  public static String quote(String name) {
    // statements we run, not compared with pg_dump's text: quoting newer keywords too is harmless
    if (PLAIN.matcher(name).matches() && !Keywords.PG15.contains(name)
        && !Keywords.SINCE_PG16.contains(name)) {
      return name;
    }
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
