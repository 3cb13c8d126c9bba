package com.avnology.backup.postgres.internal.migrate;

import com.avnology.backup.postgres.MigrationException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops every user object of a database, leaving it as a freshly created one: user schemas other
 * than {@code public} (with their contents), everything in {@code public}, extensions other than
 * those of the template (plpgsql), event triggers, user casts, languages, foreign-data wrappers,
 * servers and publications. The {@code public} schema itself stays; its owner, comment and
 * privileges are captured by {@link #publicSchema} and put back by {@link #resetPublicSchema}.
 *
 * <p>Runs in the caller's transaction; every drop has its own savepoint, and passes repeat until
 * nothing more can be dropped (a drop can fail only because a cascade already took the object or
 * because it is the implicit part of another object).
 */
final class DatabaseEmptier {
  private static final Logger log = LoggerFactory.getLogger(DatabaseEmptier.class);

  /** OIDs below this were created by initdb (pg_transam.h FirstNormalObjectId). */
  private static final int FIRST_NORMAL_OID = 16384;

  private static final String USER_NS =
      "n.nspname NOT IN ('pg_catalog', 'information_schema')"
          + " AND n.nspname !~ '^pg_(toast|temp_|toast_temp_)'";

  private DatabaseEmptier() {}

  /**
   * The public schema's owner, privileges and comment.
   *
   * @param owner the owning role
   * @param acl {@code nspacl::text}, null for the default privileges
   * @param comment the comment, null for none
   */
  public record PublicSchema(String owner, String acl, String comment) {}

  /**
   * {@return the public schema's state, or null if the database has no public schema}
   *
   * @param c a connection
   * @throws SQLException on a database error
   */
  public static PublicSchema publicSchema(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_catalog.pg_get_userbyid(nspowner), nspacl::text,"
                    + " pg_catalog.obj_description(oid, 'pg_namespace') FROM pg_catalog.pg_namespace"
                    + " WHERE nspname = 'public'")) {
      return rs.next() ? new PublicSchema(rs.getString(1), rs.getString(2), rs.getString(3)) : null;
    }
  }

  /**
   * Drops every user object (see the class comment). Call inside a transaction.
   *
   * @param c a connection with auto-commit off
   * @return how many drops succeeded
   * @throws SQLException on a database error other than a failed drop
   * @throws MigrationException if user objects remain after all passes
   */
  public static int empty(Connection c) throws SQLException {
    int dropped = 0;
    for (int pass = 0; pass < 10; pass++) {
      List<String> drops = dropStatements(c);
      if (drops.isEmpty()) {
        return dropped;
      }
      int before = dropped;
      try (Statement s = c.createStatement()) {
        for (String drop : drops) {
          s.execute("SAVEPOINT avnology_empty");
          try {
            s.execute(drop);
            s.execute("RELEASE SAVEPOINT avnology_empty");
            dropped++;
          } catch (SQLException e) {
            s.execute("ROLLBACK TO SAVEPOINT avnology_empty");
            log.debug("empty: {} failed: {}", drop, e.getMessage());
          }
        }
      }
      if (dropped == before) {
        throw new MigrationException(
            "cannot empty database "
                + c.getCatalog()
                + " before restoring the safety snapshot; these drops keep failing: "
                + drops
                + "; drop them by hand, then restore the snapshot");
      }
    }
    throw new MigrationException(
        "cannot empty database "
            + c.getCatalog()
            + " before restoring the safety snapshot: objects remain after 10 passes: "
            + dropStatements(c));
  }

  /**
   * Puts the public schema's owner, comment and privileges back as captured.
   *
   * @param c a connection
   * @param want the captured state; nothing is done when null
   * @throws SQLException on a database error
   */
  public static void resetPublicSchema(Connection c, PublicSchema want) throws SQLException {
    PublicSchema now = publicSchema(c);
    if (want == null || now == null || want.equals(now)) {
      return;
    }
    try (Statement s = c.createStatement()) {
      if (!want.owner().equals(now.owner())) {
        s.execute("ALTER SCHEMA public OWNER TO " + ident(c, want.owner()));
      }
      if (!Objects.equals(want.comment(), now.comment())) {
        s.execute(
            "COMMENT ON SCHEMA public IS "
                + (want.comment() == null ? "NULL" : literal(want.comment())));
      }
      if (!Objects.equals(want.acl(), now.acl())) {
        // revoke what is granted now, then grant what was granted (aclexplode of the text form)
        List<String> sql = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT DISTINCT CASE WHEN a.grantee = 0 THEN 'PUBLIC'"
                    + " ELSE quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END"
                    + " FROM pg_catalog.pg_namespace n, aclexplode(n.nspacl) a WHERE n.nspname = 'public'")) {
          while (rs.next()) {
            sql.add("REVOKE ALL ON SCHEMA public FROM " + rs.getString(1) + " CASCADE");
          }
        }
        String acl =
            want.acl() == null
                ? "acldefault('n', (SELECT oid FROM pg_catalog.pg_roles WHERE rolname = "
                    + literal(want.owner())
                    + "))"
                : literal(want.acl()) + "::aclitem[]";
        try (ResultSet rs =
            s.executeQuery(
                "SELECT a.privilege_type, CASE WHEN a.grantee = 0"
                    + " THEN 'PUBLIC' ELSE quote_ident(pg_catalog.pg_get_userbyid(a.grantee)) END,"
                    + " a.is_grantable FROM aclexplode("
                    + acl
                    + ") a")) {
          while (rs.next()) {
            sql.add(
                "GRANT "
                    + rs.getString(1)
                    + " ON SCHEMA public TO "
                    + rs.getString(2)
                    + (rs.getBoolean(3) ? " WITH GRANT OPTION" : ""));
          }
        }
        for (String q : sql) {
          s.execute(q);
        }
      }
    }
  }

  private static List<String> dropStatements(Connection c) throws SQLException {
    String notMember =
        " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e"
            + " WHERE e.classid = x.classid AND e.objid = x.objid AND e.deptype = 'e')";
    String sql =
        "SELECT i.type, i.identity FROM ("
            + " SELECT 'pg_event_trigger'::regclass AS classid, oid AS objid, 1 AS ord"
            + "   FROM pg_catalog.pg_event_trigger"
            + " UNION ALL SELECT 'pg_publication'::regclass, oid, 2 FROM pg_catalog.pg_publication"
            + " UNION ALL SELECT 'pg_extension'::regclass, oid, 3 FROM pg_catalog.pg_extension"
            + "   WHERE oid >= "
            + FIRST_NORMAL_OID
            + " UNION ALL SELECT 'pg_namespace'::regclass, n.oid, 4 FROM pg_catalog.pg_namespace n"
            + "   WHERE "
            + USER_NS
            + " AND n.nspname <> 'public'"
            + " UNION ALL SELECT d.classid, d.objid, 5 FROM pg_catalog.pg_depend d"
            + "   JOIN pg_catalog.pg_namespace n ON n.oid = d.refobjid"
            + "   WHERE d.refclassid = 'pg_namespace'::regclass AND d.deptype = 'n'"
            + "   AND n.nspname = 'public'"
            + " UNION ALL SELECT 'pg_cast'::regclass, oid, 6 FROM pg_catalog.pg_cast"
            + "   WHERE oid >= "
            + FIRST_NORMAL_OID
            + " UNION ALL SELECT 'pg_foreign_server'::regclass, oid, 7"
            + "   FROM pg_catalog.pg_foreign_server WHERE oid >= "
            + FIRST_NORMAL_OID
            + " UNION ALL SELECT 'pg_foreign_data_wrapper'::regclass, oid, 8"
            + "   FROM pg_catalog.pg_foreign_data_wrapper WHERE oid >= "
            + FIRST_NORMAL_OID
            + " UNION ALL SELECT 'pg_language'::regclass, oid, 9 FROM pg_catalog.pg_language"
            + "   WHERE oid >= "
            + FIRST_NORMAL_OID
            + ") x, LATERAL pg_catalog.pg_identify_object(x.classid, x.objid, 0) i"
            + " WHERE i.identity IS NOT NULL"
            + notMember
            + " ORDER BY x.ord, x.classid, x.objid";
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        String keyword = keyword(rs.getString(1));
        if (keyword != null) {
          out.add("DROP " + keyword + " IF EXISTS " + rs.getString(2) + " CASCADE");
        }
      }
    }
    return out;
  }

  /**
   * @return the DROP keyword for a pg_identify_object type, null for kinds not dropped
   */
  private static String keyword(String type) {
    String t = type.toUpperCase(Locale.ROOT);
    return switch (t) {
      case "COMPOSITE TYPE" -> "TYPE";
      case "STATISTICS OBJECT" -> "STATISTICS";
      case "FOREIGN-DATA WRAPPER" -> "FOREIGN DATA WRAPPER";
      case "TABLE",
          "VIEW",
          "MATERIALIZED VIEW",
          "FOREIGN TABLE",
          "SEQUENCE",
          "INDEX",
          "TYPE",
          "DOMAIN",
          "FUNCTION",
          "PROCEDURE",
          "AGGREGATE",
          "COLLATION",
          "CONVERSION",
          "OPERATOR",
          "OPERATOR CLASS",
          "OPERATOR FAMILY",
          "TEXT SEARCH CONFIGURATION",
          "TEXT SEARCH DICTIONARY",
          "TEXT SEARCH PARSER",
          "TEXT SEARCH TEMPLATE",
          "SCHEMA",
          "EXTENSION",
          "EVENT TRIGGER",
          "CAST",
          "PUBLICATION",
          "SERVER",
          "LANGUAGE" ->
          t;
      default -> null;
    };
  }

  private static String ident(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT quote_ident(" + literal(name) + ")")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
