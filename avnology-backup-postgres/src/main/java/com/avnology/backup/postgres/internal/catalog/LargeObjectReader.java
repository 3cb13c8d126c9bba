package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/**
 * Large objects as pg_dump 15 writes them ({@code getBlobs}, {@code dumpBlob}): one pre-data BLOB
 * entry per object (created empty, owner, comment, ACL) and one BLOBS data entry for their
 * contents. Like pg_dump, left out when a schema or table selection narrows the dump.
 */
final class LargeObjectReader {
  /** pg_largeobject: where pg_description keeps large-object comments. */
  static final long PG_LARGEOBJECT = 2613;

  private LargeObjectReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (!ctx.opts.largeObjects() || ctx.opts.selective()) {
      return;
    }
    int[] count = {0};
    ctx.query(
        "SELECT m.oid, pg_catalog.pg_get_userbyid(m.lomowner) AS owner,"
            + " m.lomacl::pg_catalog.text[] AS acl,"
            + " pg_catalog.acldefault('L', m.lomowner)::pg_catalog.text[] AS base"
            + " FROM pg_catalog.pg_largeobject_metadata m ORDER BY m.oid",
        rs -> {
          String oid = rs.getString("oid");
          String owner = rs.getString("owner");
          DumpObject o = new DumpObject(Kind.BLOB, PG_LARGEOBJECT, rs.getLong("oid"), null, oid);
          o.desc = "BLOB";
          o.owner = ctx.owner(owner);
          o.defn = "SELECT pg_catalog.lo_create('" + oid + "');\n";
          o.dropStmt = "SELECT pg_catalog.lo_unlink('" + oid + "');\n";
          ctx.add(o);
          ctx.comments(o, PG_LARGEOBJECT, o.oid, "LARGE OBJECT " + oid, "LARGE OBJECT " + oid);
          ctx.acl(
              o,
              "LARGE OBJECT",
              oid,
              "LARGE OBJECT " + oid,
              Ctx.strings(rs, "acl"),
              Ctx.strings(rs, "base"),
              owner,
              null,
              5000);
          count[0]++;
        });
    if (count[0] > 0) {
      DumpObject data = new DumpObject(Kind.BLOB_DATA, 0, 0, null, "BLOBS");
      data.desc = "BLOBS";
      data.fixedDeps = java.util.List.of();
      ctx.add(data);
    }
  }
}
