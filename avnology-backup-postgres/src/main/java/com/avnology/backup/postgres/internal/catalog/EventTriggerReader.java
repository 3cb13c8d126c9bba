package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/** Event triggers ({@code getEventTriggers}, {@code dumpEventTrigger}); POST_DATA, schema-less. */
final class EventTriggerReader {
  private EventTriggerReader() {}

  static void read(Ctx ctx) throws SQLException {
    if (ctx.opts.selective()) {
      return;
    }
    ctx.query(
        "SELECT e.oid, e.evtname, e.evtevent, e.evtenabled,"
            + " pg_catalog.pg_get_userbyid(e.evtowner) AS owner,"
            + " pg_catalog.array_to_string(ARRAY(SELECT pg_catalog.quote_literal(x)"
            + "   FROM pg_catalog.unnest(e.evttags) AS t(x)), ', ') AS tags,"
            + " e.evtfoid::pg_catalog.regproc AS fname"
            + " FROM pg_catalog.pg_event_trigger e ORDER BY e.oid",
        rs -> {
          long oid = rs.getLong("oid");
          if (ctx.isExtensionMember(SchemaObjects.PG_EVENT_TRIGGER, oid)) {
            return;
          }
          String name = rs.getString("evtname");
          String q = Sql.q(name);
          DumpObject o =
              new DumpObject(Kind.EVENT_TRIGGER, SchemaObjects.PG_EVENT_TRIGGER, oid, null, name);
          o.desc = "EVENT TRIGGER";
          o.owner = ctx.owner(rs.getString("owner"));
          StringBuilder sb =
              new StringBuilder("CREATE EVENT TRIGGER ")
                  .append(q)
                  .append(" ON ")
                  .append(Sql.q(rs.getString("evtevent")));
          String tags = rs.getString("tags");
          if (tags != null && !tags.isEmpty()) {
            sb.append("\n         WHEN TAG IN (").append(tags).append(')');
          }
          sb.append("\n   EXECUTE FUNCTION ").append(rs.getString("fname")).append("();\n");
          String enabled = rs.getString("evtenabled");
          if (!enabled.equals("O")) {
            sb.append("\nALTER EVENT TRIGGER ")
                .append(q)
                .append(' ')
                .append(
                    switch (enabled) {
                      case "D" -> "DISABLE";
                      case "A" -> "ENABLE ALWAYS";
                      case "R" -> "ENABLE REPLICA";
                      default -> "ENABLE";
                    })
                .append(";\n");
          }
          o.defn = sb.toString();
          o.dropStmt = "DROP EVENT TRIGGER " + q + ";\n";
          ctx.add(o);
          ctx.comments(o, o.classOid, oid, "EVENT TRIGGER " + q, "EVENT TRIGGER " + q);
        });
  }
}
