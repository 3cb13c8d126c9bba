package com.avnology.backup.postgres.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A real PgBouncer (Debian's {@code pgbouncer}, 1.18) in front of the embedded server, started the
 * way the embedded server is: its own ini file, port, pid file and log in a directory of its own.
 * Skips the test (with a message) where the binary is missing.
 */
public final class PgBouncer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path dir;

  private PgBouncer(Process process, int port, Path dir) {
    this.process = process;
    this.port = port;
    this.dir = dir;
  }

  /**
   * @return the binary, from PGBOUNCER or the Debian location
   */
  private static Path binary() {
    String env = System.getenv("PGBOUNCER");
    return Path.of(env != null && !env.isBlank() ? env : "/usr/sbin/pgbouncer");
  }

  /**
   * Returns a running PgBouncer pooling every database of the embedded server.
   *
   * @param poolMode {@code transaction} or {@code session}
   */
  public static PgBouncer start(String poolMode) {
    Path exe = binary();
    Assumptions.assumeTrue(
        Files.isExecutable(exe),
        "pgbouncer not found at " + exe + " (apt-get install pgbouncer, or set PGBOUNCER)");
    try {
      Path dir = Files.createTempDirectory("pgbouncer");
      int port;
      try (ServerSocket s = new ServerSocket(0)) {
        port = s.getLocalPort();
      }
      String ini =
          "[databases]\n"
              + "* = host=127.0.0.1 port="
              + EmbeddedPg.port()
              + " user=postgres\n"
              + "[pgbouncer]\n"
              + "listen_addr = 127.0.0.1\n"
              + "listen_port = "
              + port
              + "\n"
              + "unix_socket_dir =\n"
              + "auth_type = any\n"
              + "pool_mode = "
              + poolMode
              + "\n"
              + "default_pool_size = 4\n"
              + "max_client_conn = 200\n"
              + "ignore_startup_parameters = extra_float_digits,options\n"
              + "logfile = "
              + dir.resolve("pgbouncer.log")
              + "\n"
              + "pidfile = "
              + dir.resolve("pgbouncer.pid")
              + "\n";
      Files.writeString(dir.resolve("pgbouncer.ini"), ini);
      List<String> cmd = new ArrayList<>(List.of(exe.toString()));
      if ("root".equals(System.getProperty("user.name"))) {
        // PgBouncer refuses to run as root
        String user = Files.exists(Path.of("/var/lib/postgresql")) ? "postgres" : "nobody";
        cmd.addAll(List.of("-u", user));
        new ProcessBuilder("chown", "-R", user, dir.toString()).inheritIO().start().waitFor();
      }
      cmd.add(dir.resolve("pgbouncer.ini").toString());
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("stdout.log").toFile())
              .start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (System.nanoTime() < deadline) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
          return new PgBouncer(p, port, dir);
        } catch (IOException notYet) {
          if (!p.isAlive()) {
            throw new IllegalStateException(
                "pgbouncer exited: " + Files.readString(dir.resolve("stdout.log")));
          }
          Thread.sleep(50);
        }
      }
      p.destroyForcibly();
      throw new IllegalStateException("pgbouncer did not listen on " + port);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Returns a JDBC URL through PgBouncer, with the driver's defaults (nothing PgBouncer-specific).
   *
   * @param database a database of the embedded server
   */
  public String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + database + "?user=postgres";
  }

  /**
   * Returns a data source through PgBouncer, with the driver's defaults.
   *
   * @param database a database of the embedded server
   */
  public DataSource dataSource(String database) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(jdbcUrl(database));
    return ds;
  }

  /** Returns pgBouncer's log, for failure messages. */
  public String log() {
    try {
      return Files.readString(dir.resolve("pgbouncer.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
