package com.avnology.backup.examples.seeding;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The server the seeding examples use: the JDBC URL in {@code SEEDING_JDBC_URL} when set (a CI
 * database server), else one embedded PostgreSQL (zonky) per test JVM.
 */
final class Servers {
  private static EmbeddedPostgres embedded;

  private Servers() {}

  /** Returns a JDBC URL of the server's maintenance database, with credentials. */
  static synchronized String jdbcUrl() {
    String env = System.getenv("SEEDING_JDBC_URL");
    if (env != null && !env.isBlank()) {
      return env;
    }
    if (embedded == null) {
      try {
        Path sockets =
            Files.createDirectories(
                Path.of(System.getProperty("java.io.tmpdir"), "seeding-sockets"));
        embedded =
            EmbeddedPostgres.builder()
                .setServerConfig("unix_socket_directories", sockets.toString())
                .setServerConfig("fsync", "off")
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      embedded.close();
                    } catch (IOException ignored) {
                      // exiting
                    }
                  }));
    }
    return embedded.getJdbcUrl("postgres", "postgres");
  }

  /**
   * Returns the databases whose names match.
   *
   * @param url a JDBC URL of the server
   * @param pattern a LIKE pattern
   */
  static List<String> databases(String url, String pattern) {
    List<String> out = new ArrayList<>();
    try (Connection c = java.sql.DriverManager.getConnection(url);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT datname FROM pg_database WHERE datname LIKE '" + pattern + "'")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
