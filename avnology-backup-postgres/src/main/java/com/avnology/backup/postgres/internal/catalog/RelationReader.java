package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/** Tables, views, matviews and sequences ({@code getTables}), then their definitions. */
final class RelationReader {
  private RelationReader() {}

  /** One pg_class row of interest. */
  static final class RelRow {
    Ctx.Rel rel;
    String persistence;
    String[] acl;
    String[] base;
    String[] relopts;
    String[] toastopts;
    boolean rowSecurity;
    boolean forceRowSecurity;
    String replident;
    long pages;
    double tuples;
    String tablespace;
    String am;
    String oftype;
    String partkey;
    String partbound;
    String viewdef;
    boolean populated;

    /** Foreign tables only: the server's name and the generic options, pg_dump's layout. */
    String server;

    String ftoptions;

    /**
     * For owned sequences: owning table oid, column attnum and deptype ('a' serial, 'i' identity).
     */
    long ownerTable;

    int ownerCol;
    String ownerDeptype;
    final List<Long> parents = new ArrayList<>();
  }

  static void read(Ctx ctx) throws SQLException {
    Map<Long, long[]> seqOwner = new HashMap<>();
    Map<Long, String> seqDeptype = new HashMap<>();
    ctx.query(
        "SELECT d.objid, d.refobjid, d.refobjsubid, d.deptype FROM pg_catalog.pg_depend d"
            + " JOIN pg_catalog.pg_class s ON s.oid = d.objid AND s.relkind = 'S'"
            + " WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass"
            + " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.deptype IN ('a', 'i')",
        rs -> {
          seqOwner.put(rs.getLong(1), new long[] {rs.getLong(2), rs.getLong(3)});
          seqDeptype.put(rs.getLong(1), rs.getString(4));
        });

    Map<Long, RelRow> rows = new HashMap<>();
    Map<Long, String[]> names = new HashMap<>();
    List<RelRow> ordered = new ArrayList<>();
    ctx.query(
        relationsSql(),
        rs -> {
          long oid = rs.getLong("oid");
          names.put(oid, new String[] {rs.getString("nspname"), rs.getString("relname")});
          if (!ctx.namespaces.containsKey(rs.getLong("relnamespace"))
              || ctx.isExtensionMember(Ctx.PG_CLASS, oid)) {
            return;
          }
          RelRow r = new RelRow();
          Ctx.Rel rel = new Ctx.Rel();
          r.rel = rel;
          rel.oid = oid;
          rel.schema = rs.getString("nspname");
          rel.name = rs.getString("relname");
          rel.relkind = rs.getString("relkind").charAt(0);
          rel.owner = rs.getString("owner");
          rel.partition = rs.getBoolean("relispartition");
          r.persistence = rs.getString("relpersistence");
          r.acl = Ctx.strings(rs, "acl");
          r.base = Ctx.strings(rs, "base");
          r.relopts = Ctx.strings(rs, "relopts");
          r.toastopts = Ctx.strings(rs, "toastopts");
          r.rowSecurity = rs.getBoolean("relrowsecurity");
          r.forceRowSecurity = rs.getBoolean("relforcerowsecurity");
          r.replident = rs.getString("relreplident");
          r.pages = rs.getLong("pages");
          r.tuples = rs.getDouble("reltuples");
          r.tablespace = rs.getString("spcname");
          r.am = rs.getString("amname");
          r.oftype = rs.getString("oftype");
          r.partkey = rs.getString("partkey");
          r.partbound = rs.getString("partbound");
          r.viewdef = rs.getString("viewdef");
          r.populated = rs.getBoolean("relispopulated");
          r.server = rs.getString("srvname");
          r.ftoptions = rs.getString("ftoptions");
          long[] own = seqOwner.get(oid);
          if (own != null) {
            r.ownerTable = own[0];
            r.ownerCol = (int) own[1];
            r.ownerDeptype = seqDeptype.get(oid);
          }
          rows.put(oid, r);
          ordered.add(r);
        });

    // Which relations are dumped (selectDumpableTable; owned sequences follow their table).
    List<RelRow> dumped = new ArrayList<>();
    for (RelRow r : ordered) {
      boolean wanted = ctx.opts.tableWanted(r.rel.schema, r.rel.name);
      if (r.rel.relkind == 'S' && r.ownerTable != 0) {
        RelRow t = rows.get(r.ownerTable);
        boolean tableWanted = t != null && ctx.opts.tableWanted(t.rel.schema, t.rel.name);
        wanted = "i".equals(r.ownerDeptype) ? tableWanted : wanted || tableWanted;
      }
      if (wanted) {
        dumped.add(r);
        ctx.rels.put(r.rel.oid, r.rel);
      }
    }
    lockTables(ctx, dumped);

    ctx.query(
        "SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i"
            + " JOIN pg_catalog.pg_class c ON c.oid = i.inhrelid AND c.relkind IN ('r', 'p', 'f')"
            + " ORDER BY i.inhrelid, i.inhseqno",
        rs -> {
          RelRow r = rows.get(rs.getLong(1));
          if (r != null) {
            r.parents.add(rs.getLong(2));
          }
        });

    TableDefinition.build(ctx, dumped, rows, names);
    SequenceReader.read(ctx, dumped, rows);
  }

  private static void lockTables(Ctx ctx, List<RelRow> dumped) throws SQLException {
    StringJoiner j = new StringJoiner(", ");
    for (RelRow r : dumped) {
      if (r.rel.relkind == 'r' || r.rel.relkind == 'p') {
        j.add(r.rel.qname());
      }
    }
    if (j.length() > 0) {
      try (Statement s = ctx.conn.createStatement()) {
        s.execute("LOCK TABLE " + j + " IN ACCESS SHARE MODE");
      }
    }
  }

  /** reloptions as pg_dump's {@code appendReloptionsArray}: {@code name='value'}. */
  static String reloptions(String[] opts, String prefix, List<String> out, String skip) {
    String check = null;
    if (opts != null) {
      for (String o : opts) {
        int eq = o.indexOf('=');
        String name = eq < 0 ? o : o.substring(0, eq);
        String value = eq < 0 ? "" : o.substring(eq + 1);
        if (name.equals(skip)) {
          check = value;
          continue;
        }
        out.add(prefix + Sql.q(name) + "=" + Sql.literal(value));
      }
    }
    return check;
  }

  /** {@return the query of every relation; the catalog prefetch runs it ahead} */
  static String relationsSql() {
    return "SELECT c.oid, c.relname, c.relnamespace, n.nspname, c.relkind, c.relpersistence,"
        + " pg_catalog.pg_get_userbyid(c.relowner) AS owner, c.relacl::pg_catalog.text[] AS acl,"
        + " pg_catalog.acldefault(CASE WHEN c.relkind = 'S' THEN 's'::\"char\" ELSE 'r'::\"char\" END, c.relowner)"
        + "   ::pg_catalog.text[] AS base,"
        + " c.reloptions::pg_catalog.text[] AS relopts, tc.reloptions::pg_catalog.text[] AS toastopts,"
        + " c.relrowsecurity, c.relforcerowsecurity, c.relispartition, c.relreplident,"
        + " c.relpages + COALESCE(tc.relpages, 0) AS pages, c.reltuples, ts.spcname, am.amname,"
        + " CASE WHEN c.reloftype <> 0 THEN pg_catalog.format_type(c.reloftype, NULL) END AS oftype,"
        + " CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END AS partkey,"
        + " CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END AS partbound,"
        + " CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END AS viewdef,"
        + " c.relispopulated, fs.srvname, "
        + ForeignDataReader.options("ft.ftoptions")
        + " AS ftoptions"
        + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        + " LEFT JOIN pg_catalog.pg_foreign_table ft ON ft.ftrelid = c.oid"
        + " LEFT JOIN pg_catalog.pg_foreign_server fs ON fs.oid = ft.ftserver"
        + " LEFT JOIN pg_catalog.pg_class tc ON tc.oid = c.reltoastrelid"
        + " LEFT JOIN pg_catalog.pg_tablespace ts ON ts.oid = c.reltablespace"
        + " LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam"
        + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.oid >= 16384 ORDER BY c.oid";
  }
}
