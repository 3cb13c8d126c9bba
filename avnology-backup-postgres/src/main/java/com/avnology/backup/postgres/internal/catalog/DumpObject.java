package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.archive.TocEntry.Section;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** One sortable object (pg_dump's DumpableObject) and the TOC entry it becomes. */
final class DumpObject {
  final Kind kind;
  final long classOid;
  final long oid;

  /** Raw schema name, or null for schema-less objects. */
  final String namespace;

  /** pg_dump's {@code dobj.name}, the sort name. */
  final String name;

  String tag;
  String desc;
  Section section;
  String defn;
  String dropStmt;
  String owner;
  String tablespace;
  String tableAm;
  int relkind;

  /** False for objects that are sorted but produce no entry of their own (public schema). */
  boolean emit = true;

  /**
   * An extension member or system object dumped for its ACL only: entries that depend on it depend
   * on what it depends on instead (pg_dump's {@code findDumpableDependencies}).
   */
  boolean aclOnly;

  /** Sort tie-breakers (DOTypeNameCompare). */
  int argCount;

  String argKey = "";
  String parentName = "";
  int attnum;
  boolean domainChild;

  final Set<DumpObject> deps = new LinkedHashSet<>();

  /** Fixed TOC deps that replace {@link #deps} in the entry (TABLE DATA, SEQUENCE SET, …). */
  List<DumpObject> fixedDeps;

  /** COMMENT / ACL / SEQUENCE OWNED BY entries written right after this one. */
  final List<Attached> attached = new ArrayList<>();

  /** Views only: the dummy CREATE VIEW and the real CREATE OR REPLACE VIEW, for a split. */
  String dummyViewDefn;

  String replaceViewDefn;
  String dummyViewDrop;
  long returnRuleOid;

  /** Base types only: the SHELL TYPE their I/O functions need first, added when they do. */
  DumpObject shellType;

  /** TABLE DATA only. */
  String copyStmt;

  TableDataSpec data;

  /** A TABLE DATA entry's file, named before dump ids exist (its data is copied early), or null. */
  String dataFile;

  int dumpId;

  DumpObject(Kind kind, long classOid, long oid, String namespace, String name) {
    this.kind = kind;
    this.classOid = classOid;
    this.oid = oid;
    this.namespace = namespace;
    this.name = name;
    this.tag = name;
    this.section = kind.section;
  }

  void dependOn(DumpObject other) {
    if (other != null && other != this) {
      deps.add(other);
    }
  }

  void attach(String desc, String tag, String defn, int order) {
    attached.add(new Attached(desc, tag, defn, order, null));
  }

  /** A PRE_DATA entry with its own drop statement written after this one (USER MAPPING). */
  void attachPreData(String desc, String tag, String defn, String dropStmt, int order) {
    attached.add(new Attached(desc, tag, defn, order, dropStmt));
  }

  @Override
  public String toString() {
    return kind + " " + namespace + "." + name;
  }

  /**
   * An entry that follows its parent (COMMENT, ACL, SEQUENCE OWNED BY), ordered by {@code order}:
   * -1 owned-by, 0 the object's comment, attnum column comments, 2000 constraint comments, 5000 the
   * ACL, 5000 + attnum column ACLs, 6000 a server's user mappings. A non-null {@code dropStmt}
   * makes it a PRE_DATA entry of its own (pg_dump's {@code dumpUserMappings}).
   */
  record Attached(String desc, String tag, String defn, int order, String dropStmt) {}

  /** What TableData needs, before dump ids exist. */
  record TableDataSpec(
      String schema, String table, List<String> columns, long estimatedBytes, String filter) {
    TableDataSpec(String schema, String table, List<String> columns, long estimatedBytes) {
      this(schema, table, columns, estimatedBytes, null);
    }
  }
}
