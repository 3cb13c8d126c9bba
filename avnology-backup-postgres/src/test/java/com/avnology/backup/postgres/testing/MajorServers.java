package com.avnology.backup.postgres.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Embedded servers of several PostgreSQL majors in one JVM. Every zonky binaries jar holds the same
 * resource ({@code postgres-linux-x86_64.txz}), so only one can be on the classpath; the build
 * copies one jar per major to {@code target/pg-binaries/postgres-<major>.jar} (system property
 * {@code pg.binaries.dir}) and each server reads its own through zonky's {@link PgBinaryResolver}.
 * Zonky unpacks each archive once, into a directory named after its digest, so majors do not
 * collide. Closing stops every server; not thread-safe (one instance per test class).
 */
public final class MajorServers implements AutoCloseable {
  /** The majors the build provides binaries for, oldest first. */
  public static final List<Integer> MAJORS = List.of(13, 14, 15, 16, 17, 18);

  private static final AtomicInteger COUNTER = new AtomicInteger();
  private final Map<Integer, EmbeddedPostgres> servers;

  private MajorServers(Map<Integer, EmbeddedPostgres> servers) {
    this.servers = servers;
  }

  /** Returns the directory holding {@code postgres-<major>.jar}, from {@code pg.binaries.dir}. */
  public static Path binariesDir() {
    String dir = System.getProperty("pg.binaries.dir");
    return Path.of(dir == null || dir.isBlank() ? "target/pg-binaries" : dir);
  }

  /** Returns the majors whose binaries jar is present, oldest first. */
  public static List<Integer> available() {
    List<Integer> out = new ArrayList<>();
    for (int major : MAJORS) {
      if (Files.isRegularFile(jar(major))) {
        out.add(major);
      }
    }
    return out;
  }

  private static Path jar(int major) {
    return binariesDir().resolve("postgres-" + major + ".jar");
  }

  /**
   * Starts one server per major, two at a time (initdb is most of a start, and the machine may have
   * two cores).
   *
   * @param majors majors from {@link #available()}
   * @return the running servers
   */
  public static MajorServers start(List<Integer> majors) {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    Map<Integer, Future<EmbeddedPostgres>> starting = new TreeMap<>();
    for (int major : majors) {
      starting.put(major, pool.submit(() -> startOne(major)));
    }
    pool.shutdown();
    Map<Integer, EmbeddedPostgres> started = new TreeMap<>();
    MajorServers result = new MajorServers(started);
    try {
      for (Map.Entry<Integer, Future<EmbeddedPostgres>> e : starting.entrySet()) {
        started.put(e.getKey(), e.getValue().get());
      }
      return result;
    } catch (InterruptedException | ExecutionException e) {
      result.close();
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      throw new IllegalStateException("cannot start the servers of " + majors + ": " + e, e);
    }
  }

  private static EmbeddedPostgres startOne(int major) throws IOException {
    Path sockets =
        Files.createDirectories(
            Path.of(System.getProperty("java.io.tmpdir")).resolve("pg-sockets"));
    return EmbeddedPostgres.builder()
        .setPgBinaryResolver(resolver(jar(major)))
        .setServerConfig("unix_socket_directories", sockets.toString())
        .setServerConfig("max_connections", "50")
        .setServerConfig("fsync", "off")
        .setServerConfig("synchronous_commit", "off")
        .setServerConfig("full_page_writes", "off")
        .start();
  }

  /**
   * Returns a resolver of that major's binaries, for a server built by hand.
   *
   * @param major a major from {@link #available()}
   */
  public static PgBinaryResolver binaries(int major) {
    return resolver(jar(major));
  }

  private static PgBinaryResolver resolver(Path jar) {
    return (system, arch) -> {
      // zonky passes "Linux"; its own resolver lower-cases it, as the jars' entry names are
      String name = "postgres-" + system.toLowerCase(Locale.ROOT) + "-" + arch + ".txz";
      ZipFile zip = new ZipFile(jar.toFile());
      ZipEntry entry = zip.getEntry(name);
      if (entry == null) {
        zip.close();
        throw new IOException(jar + " holds no " + name);
      }
      return new FilterInputStream(zip.getInputStream(entry)) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            zip.close();
          }
        }
      };
    };
  }

  /**
   * Returns the name of a new, empty UTF-8 database with C collation on that server.
   *
   * @param major a started major
   * @param prefix a readable name prefix
   */
  public String createDatabase(int major, String prefix) {
    String name = prefix + "_" + COUNTER.incrementAndGet();
    try (Connection c = server(major).getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE DATABASE "
              + name
              + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'"
              + " LC_CTYPE 'C'");
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + name + " on " + major, e);
    }
    return name;
  }

  /**
   * Returns a data source for it (user postgres, trusted).
   *
   * @param major a started major
   * @param database a database of that server
   */
  public DataSource dataSource(int major, String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"localhost"});
    ds.setPortNumbers(new int[] {server(major).getPort()});
    ds.setDatabaseName(database);
    ds.setUser("postgres");
    return ds;
  }

  /**
   * Returns the server's major as it reports it (a check that the right binaries started).
   *
   * @param major a started major
   */
  public int reportedMajor(int major) {
    try (Connection c = server(major).getPostgresDatabase().getConnection()) {
      return c.getMetaData().getDatabaseMajorVersion();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private EmbeddedPostgres server(int major) {
    EmbeddedPostgres s = servers.get(major);
    if (s == null) {
      throw new IllegalArgumentException("no server of major " + major + " was started");
    }
    return s;
  }

  /** Stops every server; failures are ignored (the JVM is done with them). */
  @Override
  public void close() {
    for (EmbeddedPostgres s : servers.values()) {
      try {
        s.close();
      } catch (IOException | UncheckedIOException e) {
        // stopping anyway
      }
    }
    servers.clear();
  }
}
