package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Publications with their tables and schemas, and subscriptions ({@code getPublications}, {@code
 * getPublicationTables}, {@code getPublicationNamespaces}, {@code getSubscriptions} and their
 * {@code dump…} functions); all POST_DATA. A subscription is written as pg_dump writes it: {@code
 * connect = false}, so the restored copy neither connects nor creates a slot.
 */
final class PublicationReader {
  static final long PG_SUBSCRIPTION = 6100;
  static final long PG_PUBLICATION = 6104;
  static final long PG_PUBLICATION_REL = 6106;
  static final long PG_PUBLICATION_NAMESPACE = 6237;

  private PublicationReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (ctx.opts.selective()) {
      return;
    }
    publications(ctx);
    tables(ctx);
    if (ctx.version >= 150000) {
      schemas(ctx);
    }
    subscriptions(ctx);
  }

  private static void publications(Ctx ctx) throws SQLException {
    String viaRoot = ctx.version >= 130000 ? "p.pubviaroot" : "false";
    ctx.query(
        "SELECT p.oid, p.pubname, pg_catalog.pg_get_userbyid(p.pubowner) AS owner, p.puballtables,"
            + " p.pubinsert, p.pubupdate, p.pubdelete, p.pubtruncate, "
            + viaRoot
            + " AS viaroot"
            + " FROM pg_catalog.pg_publication p ORDER BY p.oid",
        rs -> {
          String name = rs.getString("pubname");
          String q = Sql.q(name);
          List<String> publish = new ArrayList<>();
          String[] ops = {"insert", "update", "delete", "truncate"};
          for (String op : ops) {
            if (rs.getBoolean("pub" + op)) {
              publish.add(op);
            }
          }
          StringBuilder sb = new StringBuilder("CREATE PUBLICATION ").append(q);
          if (rs.getBoolean("puballtables")) {
            sb.append(" FOR ALL TABLES");
          }
          sb.append(" WITH (publish = '").append(String.join(", ", publish)).append('\'');
          if (rs.getBoolean("viaroot")) {
            sb.append(", publish_via_partition_root = true");
          }
          sb.append(");\n");
          DumpObject o =
              new DumpObject(Kind.PUBLICATION, PG_PUBLICATION, rs.getLong("oid"), null, name);
          o.desc = "PUBLICATION";
          o.owner = ctx.owner(rs.getString("owner"));
          o.defn = sb.toString();
          o.dropStmt = "DROP PUBLICATION " + q + ";\n";
          ctx.add(o);
          ctx.comments(o, PG_PUBLICATION, o.oid, "PUBLICATION " + q, "PUBLICATION " + q);
        });
  }

  private static void tables(Ctx ctx) throws SQLException {
    String qual = ctx.version >= 150000 ? "pg_catalog.pg_get_expr(pr.prqual, pr.prrelid)" : "NULL";
    String cols =
        ctx.version >= 150000
            ? "(SELECT pg_catalog.array_agg(pg_catalog.quote_ident(a.attname) ORDER BY s.i)"
                + " FROM pg_catalog.generate_series(0, pg_catalog.array_upper("
                + "pr.prattrs::pg_catalog.int2[], 1)) s(i) JOIN pg_catalog.pg_attribute a"
                + " ON a.attrelid = pr.prrelid AND a.attnum = pr.prattrs[s.i])"
            : "NULL::pg_catalog.text[]";
    ctx.query(
        "SELECT pr.oid, pr.prpubid, pr.prrelid, "
            + qual
            + " AS qual, "
            + cols
            + " AS cols"
            + " FROM pg_catalog.pg_publication_rel pr ORDER BY pr.oid",
        rs -> {
          DumpObject pub = ctx.byKey.get(new Ctx.Key(PG_PUBLICATION, rs.getLong("prpubid")));
          Ctx.Rel rel = ctx.rels.get(rs.getLong("prrelid"));
          if (pub == null || rel == null || rel.obj == null) {
            return;
          }
          StringBuilder sb =
              new StringBuilder("ALTER PUBLICATION ")
                  .append(Sql.q(pub.name))
                  .append(" ADD TABLE ONLY ")
                  .append(rel.qname());
          String[] columns = Ctx.strings(rs, "cols");
          if (columns != null) {
            sb.append(" (").append(String.join(", ", columns)).append(')');
          }
          if (rs.getString("qual") != null) {
            sb.append(" WHERE (").append(rs.getString("qual")).append(')');
          }
          member(
              ctx,
              Kind.PUBLICATION_REL,
              PG_PUBLICATION_REL,
              rs.getLong("oid"),
              rel.schema,
              rel.name,
              pub,
              "PUBLICATION TABLE",
              sb.append(";\n").toString());
        });
  }

  private static void schemas(Ctx ctx) throws SQLException {
    ctx.query(
        "SELECT pn.oid, pn.pnpubid, n.nspname FROM pg_catalog.pg_publication_namespace pn"
            + " JOIN pg_catalog.pg_namespace n ON n.oid = pn.pnnspid ORDER BY pn.oid",
        rs -> {
          DumpObject pub = ctx.byKey.get(new Ctx.Key(PG_PUBLICATION, rs.getLong("pnpubid")));
          String schema = rs.getString("nspname");
          if (pub == null || !ctx.namespaces.containsValue(schema)) {
            return;
          }
          member(
              ctx,
              Kind.PUBLICATION_TABLE_IN_SCHEMA,
              PG_PUBLICATION_NAMESPACE,
              rs.getLong("oid"),
              schema,
              schema,
              pub,
              "PUBLICATION TABLES IN SCHEMA",
              "ALTER PUBLICATION "
                  + Sql.q(pub.name)
                  + " ADD TABLES IN SCHEMA "
                  + Sql.q(schema)
                  + ";\n");
        });
  }

  /** A publication's table or schema: no drop statement, the publication's owner. */
  private static void member(
      Ctx ctx,
      Kind kind,
      long classOid,
      long oid,
      String schema,
      String name,
      DumpObject pub,
      String desc,
      String defn) {
    DumpObject o = new DumpObject(kind, classOid, oid, schema, name);
    o.desc = desc;
    o.tag = pub.name + " " + name;
    o.parentName = pub.name;
    o.owner = pub.owner;
    o.defn = defn;
    ctx.add(o);
  }

  /**
   * Only a superuser can read a subscription's connection string (the server refuses the whole
   * query to anyone else, whatever its WHERE clause), as for pg_dump; UnsupportedObjects refuses a
   * backup by another role of a database that has subscriptions.
   */
  private static void subscriptions(Ctx ctx) throws SQLException {
    boolean[] superuser = {false};
    ctx.query(
        "SELECT r.rolsuper FROM pg_catalog.pg_roles r WHERE r.rolname = current_user",
        rs -> superuser[0] = rs.getBoolean(1));
    if (!superuser[0]) {
      return;
    }
    String v16 =
        ctx.version >= 160000
            ? "s.suborigin, s.subpasswordrequired, s.subrunasowner"
            : "'any' AS suborigin, true AS subpasswordrequired, false AS subrunasowner";
    String v17 = ctx.version >= 170000 ? "s.subfailover" : "false AS subfailover";
    String v14 =
        ctx.version >= 140000
            ? "s.subbinary, s.substream::pg_catalog.text AS substream"
            : "false AS subbinary, 'f' AS substream";
    String v15 =
        ctx.version >= 150000
            ? "s.subtwophasestate, s.subdisableonerr"
            : "'d' AS subtwophasestate, false AS subdisableonerr";
    ctx.query(
        "SELECT s.oid, s.subname, pg_catalog.pg_get_userbyid(s.subowner) AS owner,"
            + " s.subconninfo, s.subslotname, s.subsynccommit, s.subpublications,"
            + " "
            + v14
            + ", "
            + v15
            + ", "
            + v16
            + ", "
            + v17
            + " FROM pg_catalog.pg_subscription s"
            + " WHERE s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d"
            + "   WHERE d.datname = pg_catalog.current_database())"
            + " ORDER BY s.oid",
        rs -> {
          String name = rs.getString("subname");
          String q = Sql.q(name);
          List<String> pubs = new ArrayList<>();
          for (String p : Ctx.strings(rs, "subpublications")) {
            pubs.add(Sql.q(p));
          }
          String slot = rs.getString("subslotname");
          StringBuilder sb =
              new StringBuilder("CREATE SUBSCRIPTION ")
                  .append(q)
                  .append(" CONNECTION ")
                  .append(Sql.literal(rs.getString("subconninfo")))
                  .append(" PUBLICATION ")
                  .append(String.join(", ", pubs))
                  .append(" WITH (connect = false, slot_name = ")
                  .append(slot == null ? "NONE" : Sql.literal(slot));
          if (rs.getBoolean("subbinary")) {
            sb.append(", binary = true");
          }
          String stream = rs.getString("substream");
          if ("p".equals(stream)) {
            sb.append(", streaming = parallel");
          } else if (!"f".equals(stream) && !"false".equals(stream)) {
            sb.append(", streaming = on");
          }
          if (!"d".equals(rs.getString("subtwophasestate"))) {
            sb.append(", two_phase = on");
          }
          if (rs.getBoolean("subdisableonerr")) {
            sb.append(", disable_on_error = true");
          }
          if (!rs.getBoolean("subpasswordrequired")) {
            sb.append(", password_required = false");
          }
          if (rs.getBoolean("subrunasowner")) {
            sb.append(", run_as_owner = true");
          }
          if (rs.getBoolean("subfailover")) {
            sb.append(", failover = true");
          }
          if (!"off".equals(rs.getString("subsynccommit"))) {
            sb.append(", synchronous_commit = ").append(Sql.q(rs.getString("subsynccommit")));
          }
          if (!"any".equalsIgnoreCase(rs.getString("suborigin"))) {
            sb.append(", origin = ").append(rs.getString("suborigin"));
          }
          DumpObject o =
              new DumpObject(Kind.SUBSCRIPTION, PG_SUBSCRIPTION, rs.getLong("oid"), null, name);
          o.desc = "SUBSCRIPTION";
          o.owner = ctx.owner(rs.getString("owner"));
          o.defn = sb.append(");\n").toString();
          o.dropStmt = "DROP SUBSCRIPTION " + q + ";\n";
          ctx.add(o);
          ctx.comments(o, PG_SUBSCRIPTION, o.oid, "SUBSCRIPTION " + q, "SUBSCRIPTION " + q);
        });
  }
}
