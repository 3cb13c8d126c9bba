package com.avnology.backup.postgres.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One real PostgreSQL server per test JVM (zonky embedded binaries; the major follows the build's
 * {@code pg.version}), with a fresh database per test. Thread-safe.
 */
public final class EmbeddedPg {
  private static EmbeddedPostgres server;
  private static final AtomicInteger COUNTER = new AtomicInteger();

  private EmbeddedPg() {}

  /** Returns the shared server, started on first use. */
  public static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path sockets = Files.createDirectories(tmp.resolve("pg-sockets"));
        server =
            EmbeddedPostgres.builder()
                .setServerConfig("unix_socket_directories", sockets.toString())
                .setServerConfig("max_connections", "100")
                .setServerConfig("fsync", "off")
                .setServerConfig("synchronous_commit", "off")
                .setServerConfig("full_page_writes", "off")
                .setPGStartupWait(java.time.Duration.ofSeconds(60)) // 10 s by default
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(EmbeddedPg::stop));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }

  private static synchronized void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } catch (IOException e) {
      // shutting down anyway
    }
  }

  /**
   * Returns the name of a new, empty database.
   *
   * @param prefix a readable prefix
   */
  public static String createDatabase(String prefix) {
    String name = prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
    try (Connection c = server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE DATABASE "
              + name
              + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'"
              + " LC_CTYPE 'C'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name, e);
    }
    return name;
  }

  /**
   * Returns its JDBC URL (user postgres, no password: the server trusts local connections).
   *
   * @param database a database name
   */
  public static String jdbcUrl(String database) {
    return "jdbc:postgresql://localhost:" + server().getPort() + "/" + database + "?user=postgres";
  }

  /** Returns the server's TCP port. */
  public static int port() {
    return server().getPort();
  }

  /**
   * Returns a data source for it.
   *
   * @param database a database name
   */
  public static DataSource dataSource(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"localhost"});
    ds.setPortNumbers(new int[] {server().getPort()});
    ds.setDatabaseName(database);
    ds.setUser("postgres");
    return ds;
  }

  /** Returns the server's major version, such as 15. */
  public static int majorVersion() {
    try (Connection c = server().getPostgresDatabase().getConnection()) {
      return c.getMetaData().getDatabaseMajorVersion();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
