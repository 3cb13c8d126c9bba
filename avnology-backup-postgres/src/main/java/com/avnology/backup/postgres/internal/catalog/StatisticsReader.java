package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/** Extended statistics ({@code getExtendedStatistics}, {@code dumpStatisticsExt}); POST_DATA. */
final class StatisticsReader {
  private StatisticsReader() {}

  static void read(Ctx ctx) throws SQLException {
    String target = ctx.version >= 130000 ? "s.stxstattarget" : "NULL::pg_catalog.int4";
    ctx.query(
        "SELECT s.oid, s.stxname AS name, s.stxnamespace AS nsp, n.nspname, s.stxrelid,"
            + " pg_catalog.pg_get_userbyid(s.stxowner) AS owner, "
            + target
            + " AS stattarget,"
            + " pg_catalog.pg_get_statisticsobjdef(s.oid) AS def"
            + " FROM pg_catalog.pg_statistic_ext s JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace"
            + " WHERE s.oid >= 16384",
        rs -> {
          Ctx.Rel rel = ctx.rels.get(rs.getLong("stxrelid"));
          if (rel == null || rel.obj == null) {
            return;
          }
          DumpObject o =
              SchemaObjects.create(
                  ctx, rs, Kind.STATSEXT, SchemaObjects.PG_STATISTIC_EXT, "STATISTICS");
          if (o == null) {
            return;
          }
          StringBuilder sb = new StringBuilder(rs.getString("def")).append(";\n");
          int stattarget = rs.getInt("stattarget");
          if (!rs.wasNull() && stattarget >= 0) {
            sb.append("ALTER STATISTICS ")
                .append(Sql.qq(o.namespace, o.name))
                .append(" SET STATISTICS ")
                .append(stattarget)
                .append(";\n");
          }
          SchemaObjects.finish(ctx, o, rs.getString("owner"), sb.toString());
        });
  }
}
