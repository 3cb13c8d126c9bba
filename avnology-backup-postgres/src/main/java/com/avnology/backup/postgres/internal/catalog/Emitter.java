package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocEntry.Section;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** Assigns dump ids and turns sorted objects into TOC entries. */
final class Emitter {
  /** The BLOBS entry's file in a directory archive: {@code <oid> blob_<oid>.dat} lines. */
  static final String LARGE_OBJECTS_TOC = "blobs.toc";

  private Emitter() {}

  static Catalog emit(Ctx ctx, List<DumpObject> sorted, List<TocEntry> special) {
    int next = special.size() + 1;
    for (DumpObject o : sorted) {
      o.attached.sort(CatalogReader.ATTACHED_ORDER);
      if (o.emit) {
        o.dumpId = next++;
      }
    }
    List<TocEntry> entries = new ArrayList<>(special);
    List<TableData> tables = new ArrayList<>();
    for (DumpObject o : sorted) {
      if (o.emit) {
        TocEntry entry = entry(o);
        entries.add(entry);
        if (o.data != null) {
          tables.add(
              new TableData(
                  o.dumpId,
                  o.data.schema(),
                  o.data.table(),
                  o.data.columns(),
                  o.data.estimatedBytes(),
                  o.data.filter(),
                  entry.dataFile()));
        }
      }
      int tableAcl = 0;
      for (DumpObject.Attached a : o.attached) {
        // dumpUserMappings gives its entries no dependencies
        List<Integer> deps = new ArrayList<>(2);
        if (o.emit && a.dropStmt() == null) {
          deps.add(o.dumpId);
        }
        boolean columnAcl = a.desc().equals("ACL") && a.tag().startsWith("COLUMN ");
        if (columnAcl && tableAcl > 0) {
          // a column's ACL waits for its table's (an ACL-only pg_catalog table has no entry)
          deps.add(tableAcl);
        } else if (a.desc().equals("ACL") && !columnAcl) {
          tableAcl = next;
        }
        boolean preData = a.desc().equals("SEQUENCE OWNED BY") || a.dropStmt() != null;
        String owner = o.owner == null ? "" : o.owner;
        entries.add(
            new TocEntry(
                next++,
                false,
                "0",
                "0",
                a.tag(),
                a.desc(),
                preData ? Section.PRE_DATA : Section.NONE,
                a.defn(),
                a.dropStmt(),
                null,
                o.namespace,
                null,
                null,
                0,
                owner,
                deps,
                null));
      }
    }
    return new Catalog(entries, tables, ctx.dataLeftOut);
  }

  private static TocEntry entry(DumpObject o) {
    boolean nilCatalog =
        o.kind == Kind.SEQUENCE_SET || o.kind == Kind.TABLE_ATTACH || o.kind == Kind.INDEX_ATTACH;
    String tableOid = nilCatalog ? "0" : Long.toString(o.classOid);
    String oid = nilCatalog ? "0" : Long.toString(o.oid);
    boolean data = o.kind == Kind.TABLE_DATA;
    boolean blobs = o.kind == Kind.BLOB_DATA;
    String dataFile =
        data
            ? (o.dataFile != null ? o.dataFile : o.dumpId + ".dat")
            : blobs ? LARGE_OBJECTS_TOC : null;
    return new TocEntry(
        o.dumpId,
        data || blobs,
        tableOid,
        oid,
        o.tag,
        o.desc,
        o.section,
        o.defn,
        o.dropStmt,
        o.copyStmt,
        o.namespace,
        o.tablespace,
        o.tableAm,
        o.relkind,
        o.owner,
        ids(o.fixedDeps != null ? o.fixedDeps : o.deps),
        dataFile);
  }

  private static List<Integer> ids(Collection<DumpObject> deps) {
    List<Integer> out = new ArrayList<>();
    ids(deps, out, new java.util.HashSet<>());
    return out;
  }

  private static void ids(
      Collection<DumpObject> deps, List<Integer> out, java.util.Set<DumpObject> seen) {
    for (DumpObject d : deps) {
      if (d.emit && d.dumpId > 0) {
        if (!out.contains(d.dumpId)) {
          out.add(d.dumpId);
        }
      } else if (d.aclOnly && seen.add(d)) {
        ids(d.deps, out, seen);
      }
    }
  }
}
