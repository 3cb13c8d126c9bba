package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Text search parsers, templates, dictionaries and configurations ({@code dumpTSParser}, {@code
 * dumpTSTemplate}, {@code dumpTSDictionary}, {@code dumpTSConfig}).
 */
final class TextSearchReader {
  private TextSearchReader() {}

  private static final String NSP = " JOIN pg_catalog.pg_namespace n ON n.oid = ";

  static void read(Ctx ctx) throws SQLException {
    if (!ctx.opts.includeTables().isEmpty()) {
      return;
    }
    // parsers and templates have no owner: their TOC owner is NULL, their comments' ""
    ctx.query(
        "SELECT p.oid, p.prsname AS name, p.prsnamespace AS nsp, n.nspname,"
            + " p.prsstart::pg_catalog.regproc AS start, p.prstoken::pg_catalog.regproc AS token,"
            + " p.prsend::pg_catalog.regproc AS pend, p.prslextype::pg_catalog.regproc AS lextype,"
            + " CASE WHEN p.prsheadline <> 0 THEN p.prsheadline::pg_catalog.regproc::pg_catalog.text END AS headline"
            + " FROM pg_catalog.pg_ts_parser p"
            + NSP
            + "p.prsnamespace WHERE p.oid >= 16384",
        rs -> {
          DumpObject o =
              SchemaObjects.create(
                  ctx, rs, Kind.TSPARSER, SchemaObjects.PG_TS_PARSER, "TEXT SEARCH PARSER");
          if (o == null) {
            return;
          }
          StringBuilder sb =
              new StringBuilder("CREATE TEXT SEARCH PARSER ")
                  .append(Sql.qq(o.namespace, o.name))
                  .append(" (\n")
                  .append("    START = ")
                  .append(rs.getString("start"))
                  .append(",\n")
                  .append("    GETTOKEN = ")
                  .append(rs.getString("token"))
                  .append(",\n")
                  .append("    END = ")
                  .append(rs.getString("pend"))
                  .append(",\n");
          if (rs.getString("headline") != null) {
            sb.append("    HEADLINE = ").append(rs.getString("headline")).append(",\n");
          }
          sb.append("    LEXTYPES = ").append(rs.getString("lextype")).append(" );\n");
          SchemaObjects.finish(ctx, o, null, sb.toString());
        });
    ctx.query(
        "SELECT t.oid, t.tmplname AS name, t.tmplnamespace AS nsp, n.nspname,"
            + " CASE WHEN t.tmplinit <> 0 THEN t.tmplinit::pg_catalog.regproc::pg_catalog.text END AS init,"
            + " t.tmpllexize::pg_catalog.regproc AS lexize"
            + " FROM pg_catalog.pg_ts_template t"
            + NSP
            + "t.tmplnamespace WHERE t.oid >= 16384",
        rs -> {
          DumpObject o =
              SchemaObjects.create(
                  ctx, rs, Kind.TSTEMPLATE, SchemaObjects.PG_TS_TEMPLATE, "TEXT SEARCH TEMPLATE");
          if (o == null) {
            return;
          }
          StringBuilder sb =
              new StringBuilder("CREATE TEXT SEARCH TEMPLATE ")
                  .append(Sql.qq(o.namespace, o.name))
                  .append(" (\n");
          if (rs.getString("init") != null) {
            sb.append("    INIT = ").append(rs.getString("init")).append(",\n");
          }
          sb.append("    LEXIZE = ").append(rs.getString("lexize")).append(" );\n");
          SchemaObjects.finish(ctx, o, null, sb.toString());
        });
    ctx.query(
        "SELECT d.oid, d.dictname AS name, d.dictnamespace AS nsp, n.nspname,"
            + " pg_catalog.pg_get_userbyid(d.dictowner) AS owner, d.dictinitoption,"
            + " tn.nspname AS tmplnsp, t.tmplname"
            + " FROM pg_catalog.pg_ts_dict d"
            + NSP
            + "d.dictnamespace"
            + " JOIN pg_catalog.pg_ts_template t ON t.oid = d.dicttemplate"
            + " JOIN pg_catalog.pg_namespace tn ON tn.oid = t.tmplnamespace WHERE d.oid >= 16384",
        rs -> {
          DumpObject o =
              SchemaObjects.create(
                  ctx, rs, Kind.TSDICT, SchemaObjects.PG_TS_DICT, "TEXT SEARCH DICTIONARY");
          if (o == null) {
            return;
          }
          StringBuilder sb =
              new StringBuilder("CREATE TEXT SEARCH DICTIONARY ")
                  .append(Sql.qq(o.namespace, o.name))
                  .append(" (\n    TEMPLATE = ")
                  .append(Sql.qq(rs.getString("tmplnsp"), rs.getString("tmplname")));
          if (rs.getString("dictinitoption") != null) {
            sb.append(",\n    ").append(rs.getString("dictinitoption"));
          }
          SchemaObjects.finish(ctx, o, rs.getString("owner"), sb.append(" );\n").toString());
        });

    Map<Long, List<String[]>> maps = new HashMap<>();
    ctx.query(
        "SELECT m.mapcfg, (SELECT t.alias FROM pg_catalog.ts_token_type(c.cfgparser) AS t"
            + "   WHERE t.tokid = m.maptokentype) AS tokenname,"
            + " m.mapdict::pg_catalog.regdictionary AS dictname"
            + " FROM pg_catalog.pg_ts_config_map m JOIN pg_catalog.pg_ts_config c ON c.oid = m.mapcfg"
            + " WHERE m.mapcfg >= 16384 ORDER BY m.mapcfg, m.maptokentype, m.mapseqno",
        rs ->
            maps.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                .add(new String[] {rs.getString(2), rs.getString(3)}));
    ctx.query(
        "SELECT c.oid, c.cfgname AS name, c.cfgnamespace AS nsp, n.nspname,"
            + " pg_catalog.pg_get_userbyid(c.cfgowner) AS owner, pn.nspname AS prsnsp, p.prsname"
            + " FROM pg_catalog.pg_ts_config c"
            + NSP
            + "c.cfgnamespace"
            + " JOIN pg_catalog.pg_ts_parser p ON p.oid = c.cfgparser"
            + " JOIN pg_catalog.pg_namespace pn ON pn.oid = p.prsnamespace WHERE c.oid >= 16384",
        rs -> {
          DumpObject o =
              SchemaObjects.create(
                  ctx, rs, Kind.TSCONFIG, SchemaObjects.PG_TS_CONFIG, "TEXT SEARCH CONFIGURATION");
          if (o == null) {
            return;
          }
          String qn = Sql.qq(o.namespace, o.name);
          StringBuilder sb =
              new StringBuilder("CREATE TEXT SEARCH CONFIGURATION ")
                  .append(qn)
                  .append(" (\n    PARSER = ")
                  .append(Sql.qq(rs.getString("prsnsp"), rs.getString("prsname")))
                  .append(" );\n");
          List<String[]> rows = maps.getOrDefault(o.oid, List.of());
          for (int i = 0; i < rows.size(); i++) {
            String token = rows.get(i)[0];
            if (i == 0 || !token.equals(rows.get(i - 1)[0])) {
              if (i > 0) {
                sb.append(";\n");
              }
              sb.append("\nALTER TEXT SEARCH CONFIGURATION ")
                  .append(qn)
                  .append('\n')
                  .append("    ADD MAPPING FOR ")
                  .append(Sql.q(token))
                  .append(" WITH ")
                  .append(rows.get(i)[1]);
            } else {
              sb.append(", ").append(rows.get(i)[1]);
            }
          }
          if (!rows.isEmpty()) {
            sb.append(";\n");
          }
          SchemaObjects.finish(ctx, o, rs.getString("owner"), sb.toString());
        });
  }
}
