package com.avnology.backup.postgres.internal.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code --if-exists}: splices {@code IF EXISTS} into an entry's drop statement. */
final class DropStatements {
  private static final Pattern DROP =
      Pattern.compile(
          "^DROP ((?:MATERIALIZED VIEW|FOREIGN TABLE|EVENT TRIGGER|PROCEDURAL LANGUAGE|"
              + "FOREIGN DATA WRAPPER|TEXT SEARCH [A-Z]+|OPERATOR (?:CLASS|FAMILY)|"
              + "USER MAPPING|[A-Z]+)) (?!IF EXISTS)");
  private static final Pattern ALTER = Pattern.compile("^ALTER (TABLE|DOMAIN|TYPE) (ONLY )?");

  private static final Pattern LO_UNLINK =
      Pattern.compile("^SELECT pg_catalog\\.lo_unlink\\('(\\d+)'\\);");

  private DropStatements() {}

  /**
   * {@return the same with IF EXISTS where pg_restore puts it}
   *
   * @param drop a drop statement from an archive
   */
  public static String ifExists(String drop) {
    Matcher lo = LO_UNLINK.matcher(drop);
    if (lo.find()) {
      // DropLOIfExists
      return "SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata"
          + " WHERE oid = '"
          + lo.group(1)
          + "';\n";
    }
    Matcher m = DROP.matcher(drop);
    if (m.find()) {
      return "DROP " + m.group(1) + " IF EXISTS " + drop.substring(m.end());
    }
    Matcher a = ALTER.matcher(drop);
    if (a.find()) {
      String rest =
          "ALTER "
              + a.group(1)
              + " IF EXISTS "
              + (a.group(2) == null ? "" : a.group(2))
              + drop.substring(a.end());
      return rest.replace(" DROP CONSTRAINT ", " DROP CONSTRAINT IF EXISTS ");
    }
    return drop;
  }
}
