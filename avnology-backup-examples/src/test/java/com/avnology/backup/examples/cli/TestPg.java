package com.avnology.backup.examples.cli;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

/** What the CLI tests do with their embedded PostgreSQL besides running the CLI. */
final class TestPg {
  private TestPg() {}

  /**
   * Returns a started embedded PostgreSQL; the caller closes it.
   *
   * @param name names the server's socket directory (under java.io.tmpdir), apart from other test
   *     classes' servers
   */
  static EmbeddedPostgres start(String name) throws java.io.IOException {
    java.nio.file.Path sockets =
        java.nio.file.Files.createDirectories(
            java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), name + "-sockets"));
    return EmbeddedPostgres.builder()
        .setServerConfig("unix_socket_directories", sockets.toString())
        .setPGStartupWait(java.time.Duration.ofSeconds(60)) // 10 s by default: short on a loaded CI
        .start();
  }

  static String url(EmbeddedPostgres pg, String db) {
    return "jdbc:postgresql://localhost:" + pg.getPort() + "/" + db + "?user=postgres";
  }

  static void exec(EmbeddedPostgres pg, String db, String sql) throws Exception {
    try (Connection c = pg.getDatabase("postgres", db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static String query(EmbeddedPostgres pg, String db, String sql) throws Exception {
    try (Connection c = pg.getDatabase("postgres", db).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
