package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SECURITY LABEL entries from {@code pg_seclabel} ({@code collectSecLabels}, {@code dumpSecLabel},
 * {@code dumpTableSecLabel}): one entry per labelled object, holding the labels of every provider,
 * and for a table those of its columns too, targeted and tagged as its COMMENT is. Restoring them
 * needs the same label providers (sepgsql) loaded in the target server, as for pg_restore.
 */
final class SecLabelReader {
  private SecLabelReader() {}

  static void read(Ctx ctx) throws SQLException {
    Map<Ctx.Key, StringBuilder> labels = new LinkedHashMap<>();
    ctx.query(
        "SELECT l.classoid, l.objoid, l.objsubid, l.provider, l.label"
            + " FROM pg_catalog.pg_seclabel l ORDER BY l.classoid, l.objoid, l.objsubid",
        rs -> {
          Ctx.Key key = new Ctx.Key(rs.getLong("classoid"), rs.getLong("objoid"));
          Ctx.CommentTarget t = ctx.commentTargets.get(key);
          if (t == null) {
            return;
          }
          int sub = rs.getInt("objsubid");
          String target;
          if (sub == 0) {
            target = t.sql();
          } else if (t.columns() != null && t.columns().containsKey(sub)) {
            target = t.columns().get(sub)[0];
          } else {
            target = null;
          }
          if (target == null) {
            return;
          }
          labels
              .computeIfAbsent(key, k -> new StringBuilder())
              .append("SECURITY LABEL FOR ")
              .append(Sql.q(rs.getString("provider")))
              .append(" ON ")
              .append(target)
              .append(" IS ")
              .append(Sql.literal(rs.getString("label")))
              .append(";\n");
        });
    for (Map.Entry<Ctx.Key, StringBuilder> e : labels.entrySet()) {
      Ctx.CommentTarget t = ctx.commentTargets.get(e.getKey());
      // after the object's comments, before its ACL
      t.parent().attach("SECURITY LABEL", t.tag(), e.getValue().toString(), 1999);
    }
  }
}
