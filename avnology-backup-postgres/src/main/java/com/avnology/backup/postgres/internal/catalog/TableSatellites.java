package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.catalog.RelationReader.RelRow;
import com.avnology.backup.postgres.internal.catalog.TableDefinition.Col;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** TABLE DATA, TABLE ATTACH and separate DEFAULT objects of a table. */
final class TableSatellites {
  private TableSatellites() {}

  static void add(Ctx ctx, RelRow r, List<Col> cols, Map<Long, RelRow> rows) {
    Ctx.Rel rel = r.rel;
    DumpObject table = rel.obj;
    boolean unlogged = "u".equals(r.persistence);
    if (rel.relkind == 'r' && !ctx.opts.dataWanted(rel.schema, rel.name, unlogged)) {
      ctx.dataLeftOut.add(new DataLeftOut(rel.schema + "." + rel.name, unlogged));
    } else if (rel.relkind == 'r') {
      List<String> names = new ArrayList<>();
      List<String> quoted = new ArrayList<>();
      for (Col c : cols) {
        if (c.generated().isEmpty()) {
          names.add(c.name());
          quoted.add(Sql.q(c.name()));
        }
      }
      DumpObject d = new DumpObject(Kind.TABLE_DATA, 0, rel.oid, rel.schema, rel.name);
      d.desc = "TABLE DATA";
      d.owner = table.owner;
      d.copyStmt =
          "COPY "
              + rel.qname()
              + " "
              + (quoted.isEmpty() ? "" : "(" + String.join(", ", quoted) + ")")
              + " FROM stdin;\n";
      long bytes = r.pages * 8192L;
      if (bytes == 0 && r.tuples > 0) {
        bytes = (long) (r.tuples * 64);
      }
      d.data = new DumpObject.TableDataSpec(rel.schema, rel.name, names, bytes);
      d.dependOn(table);
      d.fixedDeps = List.of(table);
      ctx.add(d);
    }
    if (rel.partition && r.partbound != null && !r.parents.isEmpty()) {
      RelRow parent = rows.get(r.parents.get(0));
      if (parent != null && parent.rel.obj != null) {
        DumpObject a = new DumpObject(Kind.TABLE_ATTACH, 0, rel.oid, rel.schema, rel.name);
        a.desc = "TABLE ATTACH";
        a.owner = table.owner;
        a.defn =
            "ALTER TABLE ONLY "
                + parent.rel.qname()
                + " ATTACH PARTITION "
                + rel.qname()
                + " "
                + r.partbound
                + ";\n";
        a.dependOn(table);
        a.dependOn(parent.rel.obj);
        ctx.add(a);
      }
    }
  }

  /**
   * A default or CHECK that (through a sequence or a BEGIN ATOMIC function) leads back to its own
   * table would close a dependency loop; pg_dump's loop repair makes it a separate entry.
   */
  static boolean needsSeparate(Ctx ctx, long classOid, long oid, long table) {
    Set<Ctx.Key> seen = new HashSet<>();
    ArrayDeque<Ctx.Key> todo = new ArrayDeque<>();
    for (long[] ref : ctx.rawDeps.getOrDefault(new Ctx.Key(classOid, oid), List.of())) {
      if (!(ref[0] == Ctx.PG_CLASS && ref[1] == table)) {
        todo.add(new Ctx.Key(ref[0], ref[1]));
      }
    }
    while (!todo.isEmpty() && seen.size() < 10000) {
      Ctx.Key k = todo.pop();
      if (!seen.add(k)) {
        continue;
      }
      if (k.classOid() == Ctx.PG_CLASS && k.oid() == table) {
        return true;
      }
      for (long[] ref : ctx.rawDeps.getOrDefault(k, List.of())) {
        todo.add(new Ctx.Key(ref[0], ref[1]));
      }
    }
    return false;
  }

  static void separateDefault(Ctx ctx, Ctx.Rel rel, DumpObject table, Col c) {
    String qn = rel.qname();
    DumpObject d =
        new DumpObject(
            Kind.ATTRDEF, c.defOid() == 0 ? 0 : Ctx.PG_ATTRDEF, c.defOid(), rel.schema, rel.name);
    d.desc = "DEFAULT";
    d.tag = rel.name + " " + c.name();
    d.attnum = c.attnum();
    d.owner = table.owner;
    String alter = rel.relkind == 'f' ? "ALTER FOREIGN TABLE " : "ALTER TABLE ";
    d.defn =
        alter
            + "ONLY "
            + qn
            + " ALTER COLUMN "
            + Sql.q(c.name())
            + " SET DEFAULT "
            + c.defExpr()
            + ";\n";
    d.dropStmt = alter + qn + " ALTER COLUMN " + Sql.q(c.name()) + " DROP DEFAULT;\n";
    d.dependOn(table);
    ctx.add(d);
  }
}
