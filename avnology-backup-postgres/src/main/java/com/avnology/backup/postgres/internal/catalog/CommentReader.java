package com.avnology.backup.postgres.internal.catalog;

import java.sql.SQLException;

/** COMMENT entries from pg_description ({@code collectComments}, {@code dumpCommentExtended}). */
final class CommentReader {
  private CommentReader() {}

  static void read(Ctx ctx) throws SQLException {
    boolean[] publicHasComment = {false};
    ctx.query(
        commentsSql(),
        rs -> {
          Ctx.CommentTarget t =
              ctx.commentTargets.get(new Ctx.Key(rs.getLong("classoid"), rs.getLong("objoid")));
          if (t == null) {
            return;
          }
          int sub = rs.getInt("objsubid");
          String text = rs.getString("description");
          if (sub == 0) {
            if (t.sql() == null) {
              return;
            }
            if (t.parent() == ctx.initdbPublic) {
              publicHasComment[0] = true;
              if (text.equals("standard public schema")) {
                return;
              }
            }
            t.parent()
                .attach(
                    "COMMENT",
                    t.tag(),
                    "COMMENT ON " + t.sql() + " IS " + Sql.literal(text) + ";\n",
                    t.order());
          } else if (t.columns() != null && t.columns().containsKey(sub)) {
            String[] col = t.columns().get(sub);
            t.parent()
                .attach(
                    "COMMENT",
                    col[1],
                    "COMMENT ON " + col[0] + " IS " + Sql.literal(text) + ";\n",
                    t.order() + sub);
          }
        });
    if (ctx.initdbPublic != null && !publicHasComment[0]) {
      // dumpCommentExtended: a removed initdb comment is dumped as an empty one
      ctx.initdbPublic.attach("COMMENT", "SCHEMA public", "COMMENT ON SCHEMA public IS '';\n", 0);
    }
  }

  /** {@return the query of every comment; the catalog prefetch runs it ahead} */
  static String commentsSql() {
    return "SELECT d.classoid, d.objoid, d.objsubid, d.description FROM pg_catalog.pg_description d"
        + " ORDER BY d.classoid, d.objoid, d.objsubid";
  }
}
