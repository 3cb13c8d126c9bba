package com.avnology.backup.postgres.internal.engine;

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
    if (PLAIN.matcher(name).matches() && !Keywords.reserved(name)) {
      return name;
    }
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** The keywords pg_dump's fmtId quotes (all but the unreserved ones, PostgreSQL 15 to 17). */
  static final class Keywords {
    private static final java.util.Set<String> RESERVED = java.util.Set.of(
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both",
        "case", "cast", "check", "collate", "column", "constraint", "create", "current_catalog",
        "current_date", "current_role", "current_time", "current_timestamp", "current_user",
        "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "false",
        "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially",
        "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
        "null", "offset", "on", "only", "or", "order", "placing", "primary", "references",
        "returning", "select", "session_user", "some", "symmetric", "table", "then", "to",
        "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where",
        "window", "with", "authorization", "binary", "collation", "concurrently", "cross",
        "current_schema", "freeze", "full", "ilike", "inner", "is", "isnull", "join", "left",
        "like", "natural", "notnull", "outer", "overlaps", "right", "similar", "tablesample",
        "verbose",
        // column-name keywords, which fmtId quotes too
        "between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal",
        "exists", "extract", "float", "greatest", "grouping", "inout", "int", "integer",
        "interval", "least",
        "national", "nchar", "none", "normalize", "nullif", "numeric", "out", "overlay",
        "position", "precision", "real", "row", "setof", "smallint", "substring", "time",
        "timestamp", "treat", "trim", "values", "varchar", "xmlattributes", "xmlconcat",
        "xmlelement", "xmlexists", "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot",
        "xmlserialize", "xmltable",
        // added by PostgreSQL 16 and 17 (quoting them for older servers is harmless)
        "system_user", "json", "json_array", "json_arrayagg", "json_exists", "json_object",
        "json_objectagg", "json_query", "json_scalar", "json_serialize", "json_table",
        "json_value", "merge_action");

    private Keywords() {}

    static boolean reserved(String name) {
      return RESERVED.contains(name);
    }
  }
}
