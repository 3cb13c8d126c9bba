package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocEntry.Section;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a database's catalog over JDBC and produces the TOC entries pg_dump 15 would write for its
 * schema, in pg_dump's order, plus TABLE DATA / SEQUENCE SET / MATERIALIZED VIEW DATA entries.
 */
public final class CatalogReader {
  private CatalogReader() {}

  /**
   * Makes pg_dump's {@code setup_connection} settings, local to the current transaction: {@code
   * search_path = ''} (qualified deparsing), DateStyle ISO, IntervalStyle postgres, {@code
   * extra_float_digits = 3} (portable COPY text), zero timeouts, {@code row_security = off} (a COPY
   * of a table whose RLS would hide rows fails instead of silently dumping fewer) and, when the
   * server has it, {@code restrict_nonsystem_relation_kind}. Every dump connection gets them before
   * it reads; {@link #read} relies on them.
   *
   * @param c a connection inside its dump transaction (autocommit off)
   * @throws SQLException if the server refuses
   */
  public static void setUpSession(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "SELECT pg_catalog.set_config('search_path', '', true),"
              + " pg_catalog.set_config('datestyle', 'ISO', true),"
              + " pg_catalog.set_config('intervalstyle', 'postgres', true),"
              + " pg_catalog.set_config('extra_float_digits', '3', true),"
              + " pg_catalog.set_config('synchronize_seqscans', 'off', true),"
              + " pg_catalog.set_config('statement_timeout', '0', true),"
              + " pg_catalog.set_config('lock_timeout', '0', true),"
              + " pg_catalog.set_config('idle_in_transaction_session_timeout', '0', true),"
              + " pg_catalog.set_config('row_security', 'off', true)");
      s.execute(
          "SELECT pg_catalog.set_config(name, 'view, foreign-table', true)"
              + " FROM pg_catalog.pg_settings WHERE name = 'restrict_nonsystem_relation_kind'");
    }
  }

  /**
   * Reads the catalog. The connection must already be inside the (REPEATABLE READ) transaction
   * whose snapshot is dumped, with {@link #setUpSession}'s settings made. It takes ACCESS SHARE
   * locks on the dumped tables, but never commits, rolls back or changes the isolation level.
   *
   * @param c a connection inside the dump transaction
   * @param o what to dump
   * @return the entries and table-data list
   * @throws SQLException on a catalog query failure
   */
  public static Catalog read(Connection c, CatalogOptions o) throws SQLException {
    return read(c, o, null);
  }

  /**
   * Reads the catalog, as {@link #read(Connection, CatalogOptions)}, taking the results of the
   * queries {@code prefetch} runs ahead on another connection (waiting for them when it needs one).
   *
   * @param c a connection inside the dump transaction
   * @param o what to dump
   * @param prefetch queries run ahead on a connection on the same snapshot, or null
   * @return the entries and table-data list
   * @throws SQLException on a catalog query failure
   */
  public static Catalog read(Connection c, CatalogOptions o, CatalogPrefetch prefetch)
      throws SQLException {
    return read(c, o, prefetch, null);
  }

  /**
   * What a catalog read tells its caller once it has read and locked the dumped tables, before the
   * rest of the catalog: the tables whose data it will dump, so that copying them can start while
   * it reads on. Their entries' files are named after the table ({@code table_<oid>.dat}), since
   * dump ids come only after the whole catalog is sorted; pg_restore takes each entry's file name
   * from the TOC. An extension configuration table's data (found later) is not among them.
   */
  @FunctionalInterface
  public interface TablesFound {
    /**
     * Called once, on the reading thread.
     *
     * @param tables the tables, with dump id 0 and their files
     * @throws SQLException to fail the read
     */
    void found(List<TableData> tables) throws SQLException;
  }

  /**
   * Reads the catalog, as {@link #read(Connection, CatalogOptions, CatalogPrefetch)}, telling
   * {@code found} the tables whose data it will dump as soon as it knows them.
   *
   * @param c a connection inside the dump transaction
   * @param o what to dump
   * @param prefetch queries run ahead on a connection on the same snapshot, or null
   * @param found told the dumped tables early, or null
   * @return the entries and table-data list; the tables told early are among its tables, with the
   *     same files
   * @throws SQLException on a catalog query failure, or what {@code found} threw
   */
  public static Catalog read(
      Connection c, CatalogOptions o, CatalogPrefetch prefetch, TablesFound found)
      throws SQLException {
    int version = c.getMetaData().getDatabaseMajorVersion() * 10000;
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SHOW server_version_num")) {
        rs.next();
        version = Integer.parseInt(rs.getString(1).trim());
      }
    }
    Ctx ctx = new Ctx(c, o, version, prefetch);
    ctx.query(
        "SELECT classid, objid, refclassid, refobjid, deptype FROM pg_catalog.pg_depend"
            + " WHERE deptype NOT IN ('p', 'e') AND objid >= 16384",
        rs ->
            ctx.rawDeps
                .computeIfAbsent(new Ctx.Key(rs.getLong(1), rs.getLong(2)), k -> new ArrayList<>())
                .add(new long[] {rs.getLong(3), rs.getLong(4), rs.getString(5).charAt(0)}));
    SchemaReader.read(ctx);
    TypeReader.read(ctx);
    BaseTypeReader.read(ctx);
    FunctionReader.read(ctx);
    LanguageReader.read(ctx);
    RelationReader.read(ctx);
    if (found != null) {
      found.found(namedEarly(ctx));
    }
    IndexReader.read(ctx);
    TriggerReader.read(ctx);
    CollationReader.read(ctx);
    TextSearchReader.read(ctx);
    OperatorReader.read(ctx);
    OpClassReader.read(ctx);
    CastReader.read(ctx);
    ConversionReader.read(ctx);
    StatisticsReader.read(ctx);
    DefaultAclReader.read(ctx);
    EventTriggerReader.read(ctx);
    AccessMethodReader.read(ctx);
    ForeignDataReader.read(ctx);
    PublicationReader.read(ctx);
    ExtensionConfigReader.read(ctx);
    LargeObjectReader.read(ctx);
    SystemAclReader.read(ctx);
    ExtensionAclReader.read(ctx);
    CommentReader.read(ctx);
    SecLabelReader.read(ctx);
    addCatalogDependencies(ctx);
    addRefreshDependencies(ctx);
    LoopRepair.repair(ctx);
    List<DumpObject> sorted = TopoSort.sort(withBoundaries(ctx.objects));
    return Emitter.emit(ctx, sorted, specialEntries(c));
  }

  /** Names the files of the TABLE DATA entries read so far, and lists them. */
  private static List<TableData> namedEarly(Ctx ctx) {
    List<TableData> tables = new ArrayList<>();
    for (DumpObject d : ctx.objects) {
      if (d.kind == Kind.TABLE_DATA && d.emit && d.data != null && d.data.filter() == null) {
        d.dataFile = "table_" + d.oid + ".dat";
        tables.add(
            new TableData(
                0,
                d.data.schema(),
                d.data.table(),
                d.data.columns(),
                d.data.estimatedBytes(),
                null,
                d.dataFile));
      }
    }
    return tables;
  }

  private static void addCatalogDependencies(Ctx ctx) {
    for (Map.Entry<Ctx.Key, List<long[]>> e : ctx.rawDeps.entrySet()) {
      DumpObject from = ctx.resolve(e.getKey().classOid(), e.getKey().oid());
      if (from == null) {
        continue;
      }
      for (long[] ref : e.getValue()) {
        DumpObject to = ctx.resolve(ref[0], ref[1]);
        if (to != null && to != from) {
          from.dependOn(to);
        }
        if (ctx.isExtensionMember(ref[0], ref[1])) {
          // findDumpableDependencies walks through the member: its schema counts too
          for (long[] memberRef :
              ctx.rawDeps.getOrDefault(new Ctx.Key(ref[0], ref[1]), List.of())) {
            DumpObject ns =
                memberRef[0] == Ctx.PG_NAMESPACE ? ctx.resolve(memberRef[0], memberRef[1]) : null;
            if (ns != null && ns != from && ns.emit) {
              from.dependOn(ns);
            }
          }
        }
      }
    }
  }

  /**
   * {@code buildMatViewRefreshDependencies}: a refresh waits for refreshes of matviews it reads.
   */
  private static void addRefreshDependencies(Ctx ctx) {
    Map<DumpObject, DumpObject> refreshOf = new HashMap<>();
    for (DumpObject d : ctx.objects) {
      if (d.kind == Kind.REFRESH_MATVIEW) {
        refreshOf.put(d.deps.iterator().next(), d);
      }
    }
    for (Map.Entry<DumpObject, DumpObject> e : refreshOf.entrySet()) {
      List<DumpObject> fixed = new ArrayList<>(List.of(e.getKey()));
      Deque<DumpObject> todo = new ArrayDeque<>(e.getKey().deps);
      Set<DumpObject> seen = new HashSet<>();
      while (!todo.isEmpty()) {
        DumpObject d = todo.pop();
        if (!seen.add(d) || d.kind != Kind.TABLE) {
          continue;
        }
        if ("VIEW".equals(d.desc)) {
          todo.addAll(d.deps);
        } else if (refreshOf.containsKey(d) && d != e.getKey()) {
          e.getValue().dependOn(refreshOf.get(d));
          fixed.add(refreshOf.get(d));
        }
      }
      e.getValue().fixedDeps = fixed;
    }
  }

  /** {@code createBoundaryObjects} + {@code addBoundaryDependencies}. */
  private static List<DumpObject> withBoundaries(List<DumpObject> objects) {
    DumpObject pre = new DumpObject(Kind.PRE_DATA_BOUNDARY, 0, 0, null, "PRE-DATA BOUNDARY");
    DumpObject post = new DumpObject(Kind.POST_DATA_BOUNDARY, 0, 0, null, "POST-DATA BOUNDARY");
    pre.emit = false;
    post.emit = false;
    for (DumpObject d : objects) {
      switch (d.section) {
        case PRE_DATA -> pre.dependOn(d);
        case DATA -> {
          d.dependOn(pre);
          post.dependOn(d);
        }
        default -> d.dependOn(post);
      }
    }
    post.dependOn(pre);
    List<DumpObject> all = new ArrayList<>(objects);
    all.add(pre);
    all.add(post);
    return all;
  }

  private static List<TocEntry> specialEntries(Connection c) throws SQLException {
    String encoding;
    String std;
    try (Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SHOW client_encoding")) {
        rs.next();
        encoding = rs.getString(1);
      }
      try (ResultSet rs = s.executeQuery("SHOW standard_conforming_strings")) {
        rs.next();
        std = rs.getString(1);
      }
    }
    return List.of(
        special(1, "ENCODING", "SET client_encoding = " + Sql.literal(encoding) + ";\n"),
        special(2, "STDSTRINGS", "SET standard_conforming_strings = " + Sql.literal(std) + ";\n"),
        special(3, "SEARCHPATH", "SELECT pg_catalog.set_config('search_path', '', false);\n"));
  }

  private static TocEntry special(int id, String desc, String defn) {
    return new TocEntry(
        id,
        false,
        "0",
        "0",
        desc,
        desc,
        Section.PRE_DATA,
        defn,
        null,
        null,
        null,
        null,
        null,
        0,
        null,
        List.of(),
        null);
  }

  static final Comparator<DumpObject.Attached> ATTACHED_ORDER =
      Comparator.comparingInt(DumpObject.Attached::order);
}
