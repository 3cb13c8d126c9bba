package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.catalog.RelationReader.RelRow;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Sequences, SEQUENCE OWNED BY, identity sequences and SEQUENCE SET ({@code dumpSequence}). */
final class SequenceReader {
  private SequenceReader() {}

  private record Params(
      String type, long start, long incr, long max, long min, long cache, boolean cycle) {}

  static void read(Ctx ctx, List<RelRow> dumped, Map<Long, RelRow> rows) throws SQLException {
    Map<Long, Params> params = new HashMap<>();
    ctx.query(
        "SELECT s.seqrelid, pg_catalog.format_type(s.seqtypid, NULL) AS type, s.seqstart,"
            + " s.seqincrement, s.seqmax, s.seqmin, s.seqcache, s.seqcycle FROM pg_catalog.pg_sequence s",
        rs ->
            params.put(
                rs.getLong(1),
                new Params(
                    rs.getString(2),
                    rs.getLong(3),
                    rs.getLong(4),
                    rs.getLong(5),
                    rs.getLong(6),
                    rs.getLong(7),
                    rs.getBoolean(8))));
    List<RelRow> sequences = new ArrayList<>();
    for (RelRow r : dumped) {
      if (r.rel.relkind == 'S') {
        sequences.add(r);
      }
    }
    if (sequences.isEmpty()) {
      return;
    }
    Map<Long, String> identity = new HashMap<>();
    ctx.query(
        "SELECT a.attrelid, a.attnum, a.attidentity FROM pg_catalog.pg_attribute a"
            + " WHERE a.attidentity <> ''",
        rs -> identity.put(rs.getLong(1) * 100_000 + rs.getInt(2), rs.getString(3)));
    // pg_dump's makeTableDataInfo decides for sequences as for tables: an unlogged one (as a
    // hot standby has no value of) or one named to --exclude-table-data gets no SEQUENCE SET
    List<RelRow> withValues = new ArrayList<>();
    for (RelRow r : sequences) {
      boolean unlogged = "u".equals(r.persistence);
      if (ctx.opts.dataWanted(r.rel.schema, r.rel.name, unlogged)) {
        withValues.add(r);
      } else {
        ctx.dataLeftOut.add(new DataLeftOut(r.rel.schema + "." + r.rel.name, unlogged));
      }
    }
    Map<Long, String> values = values(ctx, withValues);
    for (RelRow r : sequences) {
      String value = values.get(r.rel.oid);
      if (value == null && withValues.contains(r)) {
        throw new IllegalStateException("no value was read for sequence " + r.rel.qname());
      }
      sequence(ctx, r, params.get(r.rel.oid), rows, identity, value);
    }
  }

  /**
   * {@code last_value, is_called} of each sequence as the setval arguments, a thousand sequences a
   * query (pg_dump asks once per sequence).
   */
  static Map<Long, String> values(Ctx ctx, List<RelRow> sequences) throws SQLException {
    Map<Long, String> out = new HashMap<>();
    for (int from = 0; from < sequences.size(); from += 1000) {
      StringBuilder sql = new StringBuilder();
      for (int i = from; i < Math.min(sequences.size(), from + 1000); i++) {
        Ctx.Rel rel = sequences.get(i).rel;
        sql.append(i == from ? "" : " UNION ALL ")
            .append("SELECT ")
            .append(rel.oid)
            .append("::pg_catalog.oid, last_value, is_called FROM ")
            .append(rel.qname());
      }
      ctx.query(
          sql.toString(), rs -> out.put(rs.getLong(1), rs.getLong(2) + ", " + rs.getBoolean(3)));
    }
    return out;
  }

  private static void sequence(
      Ctx ctx,
      RelRow r,
      Params p,
      Map<Long, RelRow> rows,
      Map<Long, String> identities,
      String value) {
    Ctx.Rel rel = r.rel;
    String qn = rel.qname();
    DumpObject o = new DumpObject(Kind.TABLE, Ctx.PG_CLASS, rel.oid, rel.schema, rel.name);
    rel.obj = o;
    o.desc = "SEQUENCE";
    o.owner = ctx.owner(rel.owner);
    o.relkind = 'S';
    RelRow table = r.ownerTable == 0 ? null : rows.get(r.ownerTable);
    boolean tableDumped = table != null && table.rel.obj != null;
    String opts = options(p, "    ", !"i".equals(r.ownerDeptype) || !tableDumped);
    if ("i".equals(r.ownerDeptype) && tableDumped) {
      String identity = identities.getOrDefault(r.ownerTable * 100_000 + r.ownerCol, "d");
      o.defn =
          "ALTER TABLE "
              + table.rel.qname()
              + " ALTER COLUMN "
              + Sql.q(table.rel.columns.get(r.ownerCol))
              + " ADD GENERATED "
              + (identity.equals("a") ? "ALWAYS" : "BY DEFAULT")
              + " AS IDENTITY (\n    SEQUENCE NAME "
              + qn
              + "\n"
              + opts
              + "\n);\n";
      o.dropStmt = "";
    } else {
      o.defn =
          "CREATE "
              + ("u".equals(r.persistence) ? "UNLOGGED " : "")
              + "SEQUENCE "
              + qn
              + "\n"
              + opts
              + ";\n";
      o.dropStmt = "DROP SEQUENCE " + qn + ";\n";
      if ("a".equals(r.ownerDeptype) && tableDumped) {
        o.attach(
            "SEQUENCE OWNED BY",
            rel.name,
            "ALTER SEQUENCE "
                + qn
                + " OWNED BY "
                + table.rel.qname()
                + "."
                + Sql.q(table.rel.columns.get(r.ownerCol))
                + ";\n",
            -1);
      }
    }
    ctx.add(o);
    ctx.comments(o, Ctx.PG_CLASS, rel.oid, "SEQUENCE " + qn, "SEQUENCE " + Sql.q(rel.name));
    ctx.acl(o, "SEQUENCE", qn, "SEQUENCE " + Sql.q(rel.name), r.acl, r.base, rel.owner, null, 5000);

    if (value == null) {
      return; // its value is left out, as asked
    }
    DumpObject set = new DumpObject(Kind.SEQUENCE_SET, 0, rel.oid, rel.schema, rel.name);
    set.desc = "SEQUENCE SET";
    set.owner = o.owner;
    set.defn = "SELECT pg_catalog.setval(" + Sql.literal(qn) + ", " + value + ");\n";
    set.dependOn(o);
    set.fixedDeps = List.of(o);
    ctx.add(set);
  }

  private static String options(Params p, String indent, boolean withType) {
    long typeMax;
    long typeMin;
    StringBuilder sb = new StringBuilder();
    switch (p.type()) {
      case "smallint" -> {
        typeMax = Short.MAX_VALUE;
        typeMin = Short.MIN_VALUE;
      }
      case "integer" -> {
        typeMax = Integer.MAX_VALUE;
        typeMin = Integer.MIN_VALUE;
      }
      default -> {
        typeMax = Long.MAX_VALUE;
        typeMin = Long.MIN_VALUE;
      }
    }
    if (withType && !p.type().equals("bigint")) {
      sb.append(indent).append("AS ").append(p.type()).append('\n');
    }
    sb.append(indent).append("START WITH ").append(p.start()).append('\n');
    sb.append(indent).append("INCREMENT BY ").append(p.incr()).append('\n');
    long defMin = p.incr() > 0 ? 1 : typeMin;
    long defMax = p.incr() > 0 ? typeMax : -1;
    sb.append(indent)
        .append(p.min() == defMin ? "NO MINVALUE" : "MINVALUE " + p.min())
        .append('\n');
    sb.append(indent)
        .append(p.max() == defMax ? "NO MAXVALUE" : "MAXVALUE " + p.max())
        .append('\n');
    sb.append(indent).append("CACHE ").append(p.cache());
    if (p.cycle()) {
      sb.append('\n').append(indent).append("CYCLE");
    }
    return sb.toString();
  }
}
