package com.avnology.backup.postgres.internal.catalog;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** CREATE FUNCTION / PROCEDURE text laid out as pg_dump's {@code dumpFunc} does. */
final class FunctionText {
  /** GUCs marked GUC_LIST_QUOTE ({@code variable_is_guc_list_quote}). */
  private static final Set<String> LIST_QUOTE =
      Set.of(
          "local_preload_libraries",
          "search_path",
          "session_preload_libraries",
          "shared_preload_libraries",
          "temp_tablespaces",
          "unix_socket_directories");

  private FunctionText() {}

  /**
   * Select-list columns {@link #build} needs, for a query over {@code pg_proc p} + {@code
   * pg_language l}.
   */
  static String columns(int version) {
    return " pg_catalog.pg_get_function_result(p.oid) AS funcresult, p.proretset, p.prosrc, p.probin,"
        + " p.provolatile, p.proisstrict, p.prosecdef, p.proleakproof, p.proconfig,"
        + " p.procost::pg_catalog.text AS procost, p.prorows::pg_catalog.text AS prorows,"
        + " p.prosupport::pg_catalog.regproc::pg_catalog.text AS prosupport, p.proparallel, l.lanname,"
        + " pg_catalog.array_to_string(ARRAY(SELECT 'FOR TYPE ' || pg_catalog.format_type(x, NULL)"
        + "   FROM pg_catalog.unnest(p.protrftypes) x), ', ') AS trftypes, "
        + (version >= 140000 ? "pg_catalog.pg_get_function_sqlbody(p.oid)" : "NULL")
        + " AS sqlbody";
  }

  static String build(ResultSet rs, String qualifiedName) throws SQLException {
    String kind = rs.getString("prokind");
    boolean procedure = kind.equals("p");
    StringBuilder q =
        new StringBuilder("CREATE ")
            .append(procedure ? "PROCEDURE" : "FUNCTION")
            .append(' ')
            .append(qualifiedName)
            .append('(')
            .append(rs.getString("args"))
            .append(')');
    if (!procedure) {
      q.append(" RETURNS ").append(rs.getString("funcresult"));
    }
    String lanname = rs.getString("lanname");
    q.append("\n    LANGUAGE ").append(Sql.q(lanname));
    String trf = rs.getString("trftypes");
    if (trf != null && !trf.isEmpty()) {
      q.append(" TRANSFORM ").append(trf);
    }
    if (kind.equals("w")) {
      q.append(" WINDOW");
    }
    switch (rs.getString("provolatile")) {
      case "i" -> q.append(" IMMUTABLE");
      case "s" -> q.append(" STABLE");
      default -> {}
    }
    if (rs.getBoolean("proisstrict")) {
      q.append(" STRICT");
    }
    if (rs.getBoolean("prosecdef")) {
      q.append(" SECURITY DEFINER");
    }
    if (rs.getBoolean("proleakproof")) {
      q.append(" LEAKPROOF");
    }
    String cost = rs.getString("procost");
    boolean cheap = lanname.equals("internal") || lanname.equals("c");
    if (!cost.equals("0") && !cost.equals(cheap ? "1" : "100")) {
      q.append(" COST ").append(cost);
    }
    String rows = rs.getString("prorows");
    if (rs.getBoolean("proretset") && !rows.equals("0") && !rows.equals("1000")) {
      q.append(" ROWS ").append(rows);
    }
    String support = rs.getString("prosupport");
    if (support != null && !support.equals("-")) {
      q.append(" SUPPORT ").append(support);
    }
    switch (rs.getString("proparallel")) {
      case "s" -> q.append(" PARALLEL SAFE");
      case "r" -> q.append(" PARALLEL RESTRICTED");
      default -> {}
    }
    String[] config = Ctx.strings(rs, "proconfig");
    if (config != null) {
      for (String item : config) {
        int eq = item.indexOf('=');
        if (eq < 0) {
          continue;
        }
        String name = item.substring(0, eq);
        String value = item.substring(eq + 1);
        q.append("\n    SET ").append(Sql.q(name)).append(" TO ");
        if (LIST_QUOTE.contains(name.toLowerCase(Locale.ROOT))) {
          List<String> parts = new ArrayList<>();
          for (String p : splitGucList(value)) {
            parts.add(Sql.literal(p));
          }
          q.append(String.join(", ", parts));
        } else {
          q.append(Sql.literal(value));
        }
      }
    }
    String body = rs.getString("sqlbody");
    String probin = rs.getString("probin");
    String prosrc = rs.getString("prosrc");
    String as;
    if (body != null) {
      as = body;
    } else if (probin != null && !probin.isEmpty()) {
      as = "AS " + Sql.literal(probin);
      if (!prosrc.isEmpty()) {
        as +=
            ", "
                + (prosrc.indexOf('\'') < 0 && prosrc.indexOf('\\') < 0
                    ? Sql.literal(prosrc)
                    : dollarQuote(prosrc));
      }
    } else {
      as = "AS " + dollarQuote(prosrc);
    }
    return q.append("\n    ").append(as).append(";\n").toString();
  }

  /** {@code appendStringLiteralDQ} with no prefix. */
  static String dollarQuote(String s) {
    String suffixes = "_XXXXXXX";
    StringBuilder delim = new StringBuilder("$");
    int next = 0;
    while (s.contains(delim)) {
      delim.append(suffixes.charAt(next++));
      next %= suffixes.length();
    }
    delim.append('$');
    return delim + s + delim;
  }

  /** {@code SplitGUCList}: comma-separated, optionally double-quoted elements. */
  static List<String> splitGucList(String s) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = s.length();
    while (i < n && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    if (i == n) {
      return out;
    }
    while (true) {
      StringBuilder cur = new StringBuilder();
      if (i < n && s.charAt(i) == '"') {
        i++;
        while (i < n) {
          char c = s.charAt(i);
          if (c == '"') {
            if (i + 1 < n && s.charAt(i + 1) == '"') {
              cur.append('"');
              i += 2;
              continue;
            }
            i++;
            break;
          }
          cur.append(c);
          i++;
        }
      } else {
        while (i < n && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) {
          cur.append(s.charAt(i++));
        }
      }
      out.add(cur.toString());
      while (i < n && Character.isWhitespace(s.charAt(i))) {
        i++;
      }
      if (i < n && s.charAt(i) == ',') {
        i++;
        while (i < n && Character.isWhitespace(s.charAt(i))) {
          i++;
        }
        continue;
      }
      break;
    }
    return out;
  }
}
