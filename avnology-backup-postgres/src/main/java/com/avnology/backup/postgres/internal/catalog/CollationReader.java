package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/** Collations ({@code getCollations}, {@code dumpCollation}). */
final class CollationReader {
  private CollationReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (!ctx.opts.includeTables().isEmpty()) {
      return;
    }
    String locale =
        ctx.version >= 170000
            ? "c.colllocale"
            : ctx.version >= 150000 ? "c.colliculocale" : "NULL::pg_catalog.text";
    String rules = ctx.version >= 160000 ? "c.collicurules" : "NULL::pg_catalog.text";
    ctx.query(
        "SELECT c.oid, c.collname AS name, c.collnamespace AS nsp, n.nspname,"
            + " pg_catalog.pg_get_userbyid(c.collowner) AS owner, c.collprovider,"
            + " c.collisdeterministic, c.collcollate, c.collctype, c.collencoding, "
            + locale
            + " AS iculocale, "
            + rules
            + " AS icurules"
            + " FROM pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace"
            + " WHERE c.oid >= 16384",
        rs -> {
          DumpObject o =
              SchemaObjects.create(
                  ctx, rs, Kind.COLLATION, SchemaObjects.PG_COLLATION, "COLLATION");
          if (o == null) {
            return;
          }
          o.attnum = rs.getInt("collencoding");
          StringBuilder sb =
              new StringBuilder("CREATE COLLATION ")
                  .append(Sql.qq(o.namespace, o.name))
                  .append(" (provider = ");
          sb.append(
              switch (rs.getString("collprovider")) {
                case "i" -> "icu";
                case "b" -> "builtin";
                case "d" -> "default";
                default -> "libc";
              });
          if (!rs.getBoolean("collisdeterministic")) {
            sb.append(", deterministic = false");
          }
          String collate = rs.getString("collcollate");
          String ctype = rs.getString("collctype");
          if (rs.getString("iculocale") != null) {
            sb.append(", locale = ").append(Sql.literal(rs.getString("iculocale")));
          } else if (collate != null && collate.equals(ctype)) {
            sb.append(", locale = ").append(Sql.literal(collate));
          } else if (collate != null) {
            sb.append(", lc_collate = ")
                .append(Sql.literal(collate))
                .append(", lc_ctype = ")
                .append(Sql.literal(ctype));
          }
          if (rs.getString("icurules") != null) {
            sb.append(", rules = ").append(Sql.literal(rs.getString("icurules")));
          }
          SchemaObjects.finish(ctx, o, rs.getString("owner"), sb.append(");\n").toString());
        });
  }
}
