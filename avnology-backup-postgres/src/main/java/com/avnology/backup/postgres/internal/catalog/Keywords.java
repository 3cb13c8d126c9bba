package com.avnology.backup.postgres.internal.catalog;

import java.util.Set;

/** SQL keywords that pg_dump's {@code fmtId} quotes in identifiers. */
public final class Keywords {
  /**
   * The keywords that are not UNRESERVED in PostgreSQL 15 ({@code pg_get_keywords()}, catcode
   * {@code <> 'U'}): what pg_dump 15 quotes, so DDL we generate matches its output.
   */
  public static final Set<String> PG15 = Set.of(
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric",
      "authorization", "between", "bigint", "binary", "bit", "boolean", "both", "case", "cast",
      "char", "character", "check", "coalesce", "collate", "collation", "column", "concurrently",
      "constraint", "create", "cross", "current_catalog", "current_date", "current_role",
      "current_schema", "current_time", "current_timestamp", "current_user", "dec", "decimal",
      "default", "deferrable", "desc", "distinct", "do", "else", "end", "except", "exists",
      "extract", "false", "fetch", "float", "for", "foreign", "freeze", "from", "full", "grant",
      "greatest", "group", "grouping", "having", "ilike", "in", "initially", "inner", "inout",
      "int", "integer", "intersect", "interval", "into", "is", "isnull", "join", "lateral",
      "leading", "least", "left", "like", "limit", "localtime", "localtimestamp", "national",
      "natural", "nchar", "none", "normalize", "not", "notnull", "null", "nullif", "numeric",
      "offset", "on", "only", "or", "order", "out", "outer", "overlaps", "overlay", "placing",
      "position", "precision", "primary", "real", "references", "returning", "right", "row",
      "select", "session_user", "setof", "similar", "smallint", "some", "substring", "symmetric",
      "table", "tablesample", "then", "time", "timestamp", "to", "trailing", "treat", "trim",
      "true", "union", "unique", "user", "using", "values", "varchar", "variadic", "verbose",
      "when", "where", "window", "with", "xmlattributes", "xmlconcat", "xmlelement", "xmlexists",
      "xmlforest", "xmlnamespaces", "xmlparse", "xmlpi", "xmlroot", "xmlserialize", "xmltable");

  /** Keywords PostgreSQL 16 and 17 added that are not UNRESERVED. */
  public static final Set<String> SINCE_PG16 = Set.of(
      "system_user", "json", "json_array", "json_arrayagg", "json_exists", "json_object",
      "json_objectagg", "json_query", "json_scalar", "json_serialize", "json_table",
      "json_value", "merge_action");

  private Keywords() {}
}
