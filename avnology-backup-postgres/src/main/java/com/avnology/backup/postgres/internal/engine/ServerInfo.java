package com.avnology.backup.postgres.internal.engine;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What a dump records about its server.
 *
 * @param version the server version string, such as {@code 15.19}
 * @param versionNum the numeric version, such as {@code 150019}
 * @param database the database name
 * @param encoding the database encoding
 */
record ServerInfo(String version, int versionNum, String database, String encoding) {
  /**
   * {@return its server's facts}
   *
   * @param c a connection
   * @throws SQLException on failure
   */
  public static ServerInfo read(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT current_setting('server_version'),"
                    + " current_setting('server_version_num')::int, current_database(),"
                    + " pg_catalog.pg_encoding_to_char(encoding) FROM pg_catalog.pg_database"
                    + " WHERE datname = current_database()")) {
      rs.next();
      return new ServerInfo(
          rs.getString(1).split(" ")[0], rs.getInt(2), rs.getString(3), rs.getString(4));
    }
  }
}
