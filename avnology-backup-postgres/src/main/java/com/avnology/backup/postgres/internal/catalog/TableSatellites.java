package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.catalog.RelationReader.RelRow;
import com.avnology.backup.postgres.internal.catalog.TableDefinition.Col;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** TABLE DATA and TABLE ATTACH objects of a table ({@code makeTableDataInfo}, {@code dumpTableAttach}). */
final class TableSatellites {
  private TableSatellites() {}

  static void add(Ctx ctx, RelRow r, List<Col> cols, Map<Long, RelRow> rows) {
    Ctx.Rel rel = r.rel;
    DumpObject table = rel.obj;
    if (rel.relkind == 'r') {
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
      d.copyStmt = "COPY " + rel.qname() + " "
          + (quoted.isEmpty() ? "" : "(" + String.join(", ", quoted) + ")") + " FROM stdin;\n";
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
        a.defn = "ALTER TABLE ONLY " + parent.rel.qname() + " ATTACH PARTITION " + rel.qname() + " "
            + r.partbound + ";\n";
        a.dependOn(table);
        a.dependOn(parent.rel.obj);
        ctx.add(a);
      }
    }
  }
}
