package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.catalog.Identifiers;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a swap restore carries over from the database it replaces: encoding, locale and tablespace
 * (the new database is created with them), owner, grants, per-database settings, connection limit
 * and comment (copied before the swap).
 */
record DatabaseInfo(
    String name,
    String encoding,
    String collate,
    String ctype,
    String localeProvider,
    String icuLocale,
    String builtinLocale,
    String icuRules,
    String tablespace,
    String owner,
    int connectionLimit,
    String comment,
    boolean hasAcl) {
  /** Settings whose value is a list of quoted elements (GUC_LIST_QUOTE), as pg_dump splits them. */
  private static final Set<String> LIST_SETTINGS =
      Set.of(
          "search_path",
          "temp_tablespaces",
          "session_preload_libraries",
          "shared_preload_libraries",
          "local_preload_libraries");

  /**
   * @param c a connection to the database
   * @return its properties
   * @throws SQLException if the server refuses
   */
  static DatabaseInfo read(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT d.datname, pg_catalog.pg_encoding_to_char(d.encoding),"
                    + " d.datcollate, d.datctype, j ->> 'datlocprovider',"
                    + " coalesce(j ->> 'daticulocale', j ->> 'datlocale'), j ->> 'datlocale',"
                    + " j ->> 'daticurules', t.spcname, pg_catalog.pg_get_userbyid(d.datdba),"
                    + " d.datconnlimit, pg_catalog.shobj_description(d.oid, 'pg_database'),"
                    + " d.datacl IS NOT NULL"
                    + " FROM pg_catalog.pg_database d"
                    + " CROSS JOIN LATERAL pg_catalog.to_jsonb(d) j"
                    + " JOIN pg_catalog.pg_tablespace t ON t.oid = d.dattablespace"
                    + " WHERE d.datname = pg_catalog.current_database()")) {
      rs.next();
      return new DatabaseInfo(
          rs.getString(1),
          rs.getString(2),
          rs.getString(3),
          rs.getString(4),
          rs.getString(5),
          rs.getString(6),
          rs.getString(7),
          rs.getString(8),
          rs.getString(9),
          rs.getString(10),
          rs.getInt(11),
          rs.getString(12),
          rs.getBoolean(13));
    }
  }

  /**
   * Creates a database like this one, from template0, and marks it with a comment.
   *
   * @param c a connection to any database of the server (autocommit)
   * @param newName the new database's name
   * @param comment its comment until the swap
   * @throws SQLException if the server refuses
   */
  void create(Connection c, String newName, String comment) throws SQLException {
    StringBuilder sql =
        new StringBuilder("CREATE DATABASE ")
            .append(Identifiers.quote(newName))
            .append(" WITH TEMPLATE = template0 ENCODING = ")
            .append(RestoreMarker.literal(encoding))
            .append(" LC_COLLATE = ")
            .append(RestoreMarker.literal(collate))
            .append(" LC_CTYPE = ")
            .append(RestoreMarker.literal(ctype));
    if ("i".equals(localeProvider)) {
      sql.append(" LOCALE_PROVIDER = icu ICU_LOCALE = ").append(RestoreMarker.literal(icuLocale));
      if (icuRules != null) {
        sql.append(" ICU_RULES = ").append(RestoreMarker.literal(icuRules));
      }
    } else if ("b".equals(localeProvider)) {
      sql.append(" LOCALE_PROVIDER = builtin BUILTIN_LOCALE = ")
          .append(RestoreMarker.literal(builtinLocale));
    }
    if (!"pg_default".equals(tablespace)) {
      sql.append(" TABLESPACE = ").append(Identifiers.quote(tablespace));
    }
    try (Statement s = c.createStatement()) {
      s.execute(sql.toString());
      s.execute(
          "COMMENT ON DATABASE "
              + Identifiers.quote(newName)
              + " IS "
              + RestoreMarker.literal(comment));
    }
  }

  /**
   * Gives the new database this one's owner, grants, settings and connection limit.
   *
   * @param c a connection to a database other than the new one (autocommit)
   * @param newName the new database
   * @throws SQLException if the server refuses
   */
  void copyPropertiesTo(Connection c, String newName) throws SQLException {
    String target = Identifiers.quote(newName);
    List<String> sql = new ArrayList<>();
    sql.add("ALTER DATABASE " + target + " OWNER TO " + Identifiers.quote(owner));
    if (hasAcl) {
      sql.add("REVOKE ALL ON DATABASE " + target + " FROM PUBLIC");
      sql.add("REVOKE ALL ON DATABASE " + target + " FROM " + Identifiers.quote(owner));
    }
    try (Statement s = c.createStatement()) {
      if (hasAcl) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT a.grantee = 0, pg_catalog.pg_get_userbyid("
                    + "a.grantee), a.privilege_type, a.is_grantable FROM pg_catalog.pg_database d,"
                    + " pg_catalog.aclexplode(d.datacl) a WHERE d.datname = "
                    + RestoreMarker.literal(name))) {
          while (rs.next()) {
            sql.add(
                "GRANT "
                    + rs.getString(3)
                    + " ON DATABASE "
                    + target
                    + " TO "
                    + (rs.getBoolean(1) ? "PUBLIC" : Identifiers.quote(rs.getString(2)))
                    + (rs.getBoolean(4) ? " WITH GRANT OPTION" : ""));
          }
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT r.rolname, x.setting"
                  + " FROM pg_catalog.pg_db_role_setting rs"
                  + " JOIN pg_catalog.pg_database d ON d.oid = rs.setdatabase"
                  + " LEFT JOIN pg_catalog.pg_roles r ON r.oid = rs.setrole,"
                  + " LATERAL pg_catalog.unnest(rs.setconfig) WITH ORDINALITY x(setting, n)"
                  + " WHERE d.datname = "
                  + RestoreMarker.literal(name)
                  + " ORDER BY r.rolname, x.n")) {
        while (rs.next()) {
          String role = rs.getString(1);
          sql.add(
              (role == null
                      ? "ALTER DATABASE " + target
                      : "ALTER ROLE " + Identifiers.quote(role) + " IN DATABASE " + target)
                  + " SET "
                  + setting(rs.getString(2)));
        }
      }
      if (connectionLimit != -1) {
        sql.add("ALTER DATABASE " + target + " CONNECTION LIMIT " + connectionLimit);
      }
      for (String statement : sql) {
        s.execute(statement);
      }
    }
  }

  /** {@return {@code name TO value} for a {@code name=value} of pg_db_role_setting} */
  static String setting(String config) {
    int eq = config.indexOf('=');
    String name = config.substring(0, eq);
    String value = config.substring(eq + 1);
    if (!LIST_SETTINGS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
      return Identifiers.quote(name) + " TO " + RestoreMarker.literal(value);
    }
    List<String> elements = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char ch = value.charAt(i);
      if (ch == '"') {
        if (quoted && i + 1 < value.length() && value.charAt(i + 1) == '"') {
          cur.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (ch == ',' && !quoted) {
        elements.add(cur.toString().strip());
        cur.setLength(0);
      } else {
        cur.append(ch);
      }
    }
    elements.add(cur.toString().strip());
    return Identifiers.quote(name)
        + " TO "
        + String.join(", ", elements.stream().map(RestoreMarker::literal).toList());
  }
}
