package com.avnology.backup.postgres.internal.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Shared state of one catalog read: the connection, objects found so far, lookup maps. */
final class Ctx {
  static final long PG_TYPE = 1247;
  static final long PG_PROC = 1255;
  static final long PG_CLASS = 1259;
  static final long PG_ATTRDEF = 2604;
  static final long PG_CONSTRAINT = 2606;
  static final long PG_NAMESPACE = 2615;
  static final long PG_REWRITE = 2618;
  static final long PG_TRIGGER = 2620;
  static final long PG_EXTENSION = 3079;
  static final long PG_POLICY = 3256;

  /** A catalog object address. */
  record Key(long classOid, long oid) {
    // Written out: the generated ones are bootstrapped through method handles on first use, a
    // cost every backup pays at start-up for the key of every catalog map.
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.classOid == classOid && k.oid == oid;
    }

    @Override
    public int hashCode() {
      return Long.hashCode(classOid * 31 + oid);
    }
  }

  /** What a COMMENT ON (classoid, objoid[, subid]) turns into. */
  record CommentTarget(
      DumpObject parent, String sql, String tag, Map<Integer, String[]> columns, int order) {}

  /** A dumped relation (table, view, matview, sequence, partitioned table). */
  static final class Rel {
    long oid;
    String schema;
    String name;
    char relkind;
    String owner;
    boolean partition;
    DumpObject obj;

    /** attnum → raw column name (non-dropped). */
    final Map<Integer, String> columns = new HashMap<>();

    String qname() {
      return Sql.qq(schema, name);
    }
  }

  final Connection conn;
  final CatalogOptions opts;
  final int version;
  final List<DumpObject> objects = new ArrayList<>();

  /** The dumped tables whose rows the options leave out, in the order they were read. */
  final List<DataLeftOut> dataLeftOut = new ArrayList<>();

  final Map<Key, DumpObject> byKey = new HashMap<>();
  final Map<Key, Key> alias = new HashMap<>();
  final Set<Key> extMembers = new HashSet<>();
  final Map<Key, Long> memberOf = new HashMap<>();
  final Map<Long, DumpObject> extensions = new HashMap<>();

  /** Dumped schemas: oid → raw name. */
  final Map<Long, String> namespaces = new HashMap<>();

  final Map<Key, CommentTarget> commentTargets = new HashMap<>();
  final Map<Long, Rel> rels = new HashMap<>();

  /** pg_depend of user objects: (classid, objid) → {refclassid, refobjid, deptype}. */
  final Map<Key, List<long[]>> rawDeps = new HashMap<>();

  /** The public schema when treated as initdb-created (not named in includeSchemas), else null. */
  DumpObject initdbPublic;

  /** Functions whose body (BEGIN ATOMIC) references a relation. */
  final Set<Long> procsReadingRelations = new HashSet<>();

  /** Queries run ahead on another connection, or null. */
  final CatalogPrefetch prefetch;

  Ctx(Connection conn, CatalogOptions opts, int version, CatalogPrefetch prefetch) {
    this.conn = conn;
    this.opts = opts;
    this.version = version;
    this.prefetch = prefetch;
  }

  DumpObject add(DumpObject o) {
    objects.add(o);
    if (o.classOid != 0) {
      byKey.put(new Key(o.classOid, o.oid), o);
    }
    return o;
  }

  void alias(long classOid, long oid, long toClass, long toOid) {
    alias.put(new Key(classOid, oid), new Key(toClass, toOid));
  }

  /** The dumped object standing for a catalog address, or null. */
  DumpObject resolve(long classOid, long oid) {
    Key k = new Key(classOid, oid);
    for (int hops = 0; hops < 10; hops++) {
      DumpObject o = byKey.get(k);
      if (o != null) {
        return o;
      }
      Long ext = memberOf.get(k);
      if (ext != null) {
        return extensions.get(ext);
      }
      Key next = alias.get(k);
      if (next == null) {
        return null;
      }
      k = next;
    }
    return null;
  }

  boolean isExtensionMember(long classOid, long oid) {
    return memberOf.containsKey(new Key(classOid, oid));
  }

  String owner(String role) {
    return opts.noOwner() ? "" : role;
  }

  void comments(DumpObject parent, long classOid, long oid, String sql, String tag) {
    comments(parent, classOid, oid, sql, tag, null, 0);
  }

  void comments(
      DumpObject parent,
      long classOid,
      long oid,
      String sql,
      String tag,
      Map<Integer, String[]> columns,
      int order) {
    commentTargets.put(new Key(classOid, oid), new CommentTarget(parent, sql, tag, columns, order));
  }

  /** Attaches an ACL entry built from {@code acl} against {@code base}. */
  void acl(
      DumpObject parent,
      String type,
      String sqlName,
      String tag,
      String[] acl,
      String[] base,
      String owner,
      String column,
      int order) {
    if (opts.noPrivileges() || acl == null) {
      return;
    }
    String text = Acls.build(type, sqlName, column, acl, base, owner, version >= 170000);
    if (!text.isEmpty()) {
      parent.attach("ACL", tag, text, order);
    }
  }

  // ---- JDBC helpers

  interface Row {
    void accept(ResultSet rs) throws SQLException;
  }

  void query(String sql, Row row) throws SQLException {
    ResultSet ahead = prefetch == null ? null : prefetch.take(sql);
    if (ahead != null) {
      try (java.sql.Statement s = ahead.getStatement();
          ResultSet rs = ahead) {
        while (rs.next()) {
          row.accept(rs);
        }
      }
      return;
    }
    try (PreparedStatement ps = conn.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        row.accept(rs);
      }
    }
  }

  static String[] strings(ResultSet rs, String col) throws SQLException {
    Array a = rs.getArray(col);
    if (a == null) {
      return null;
    }
    Object[] arr = (Object[]) a.getArray();
    String[] out = new String[arr.length];
    for (int i = 0; i < arr.length; i++) {
      out[i] = arr[i] == null ? null : arr[i].toString();
    }
    return out;
  }

  /** SQL fragment: a collation's qualified name when it differs from the type's default. */
  static String collationExpr(String collOid, String typeCollOid) {
    return "CASE WHEN "
        + collOid
        + " <> 0 AND "
        + collOid
        + " <> "
        + typeCollOid
        + " THEN (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname)"
        + " FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace"
        + " WHERE co.oid = "
        + collOid
        + ") END";
  }
}
