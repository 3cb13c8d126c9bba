package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/** Encoding conversions ({@code getConversions}, {@code dumpConversion}). */
final class ConversionReader {
  private ConversionReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (!ctx.opts.includeTables().isEmpty()) {
      return;
    }
    ctx.query(
        "SELECT c.oid, c.conname AS name, c.connamespace AS nsp, n.nspname,"
            + " pg_catalog.pg_get_userbyid(c.conowner) AS owner,"
            + " pg_catalog.pg_encoding_to_char(c.conforencoding) AS fromenc,"
            + " pg_catalog.pg_encoding_to_char(c.contoencoding) AS toenc,"
            + " c.conproc::pg_catalog.regproc AS proc, c.condefault"
            + " FROM pg_catalog.pg_conversion c JOIN pg_catalog.pg_namespace n ON n.oid = c.connamespace"
            + " WHERE c.oid >= 16384",
        rs -> {
          DumpObject o =
              SchemaObjects.create(
                  ctx, rs, Kind.CONVERSION, SchemaObjects.PG_CONVERSION, "CONVERSION");
          if (o == null) {
            return;
          }
          String defn =
              "CREATE "
                  + (rs.getBoolean("condefault") ? "DEFAULT " : "")
                  + "CONVERSION "
                  + Sql.qq(o.namespace, o.name)
                  + " FOR "
                  + Sql.literal(rs.getString("fromenc"))
                  + " TO "
                  + Sql.literal(rs.getString("toenc"))
                  + " FROM "
                  + rs.getString("proc")
                  + ";\n";
          SchemaObjects.finish(ctx, o, rs.getString("owner"), defn);
        });
  }
}
