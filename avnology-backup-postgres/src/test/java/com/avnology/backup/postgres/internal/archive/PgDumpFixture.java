package com.avnology.backup.postgres.internal.archive;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.avnology.backup.postgres.testing.EmbeddedPg;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A small database on the embedded server, dumped with the real pg_dump; shared per JVM. */
final class PgDumpFixture {
  static final Path PG_DUMP = Path.of("/usr/bin/pg_dump");
  static final Path PG_RESTORE = Path.of("/usr/bin/pg_restore");

  static final String SCHEMA_SQL =
      """
      CREATE SCHEMA app;
      CREATE TABLE app.customer (id serial PRIMARY KEY, name text NOT NULL, note text);
      CREATE TABLE app.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        customer_id int NOT NULL REFERENCES app.customer(id), amount numeric(10,2),
        placed date DEFAULT DATE '2024-01-01');
      CREATE SEQUENCE app.invoice_seq START 100;
      SELECT setval('app.invoice_seq', 142);
      CREATE INDEX orders_customer_idx ON app.orders (customer_id);
      CREATE VIEW app.big_orders AS SELECT id, amount FROM app.orders WHERE amount > 100;
      COMMENT ON TABLE app.customer IS 'Customers \u2014 \u00fcn\u00efc\u00f6d\u00e9 \u2713';
      INSERT INTO app.customer (name, note) VALUES ('Ann', NULL), ('Bob', 'tab\there'),
        ('Zo\u00eb', 'line1
      line2'), ('Back\\slash', '');
      INSERT INTO app.orders (customer_id, amount) SELECT 1 + i % 4, i * 7.25
        FROM generate_series(1, 200) i;\
      """;

  private static String database;
  private static Path gzipDump;
  private static Path plainDump;

  private PgDumpFixture() {}

  static void assumeTools() {
    assumeTrue(
        Files.isExecutable(PG_DUMP) && Files.isExecutable(PG_RESTORE),
        "skipped: /usr/bin/pg_dump or /usr/bin/pg_restore is absent");
  }

  static synchronized String database() {
    if (database == null) {
      String db = EmbeddedPg.createDatabase("tocsrc");
      try (Connection c = EmbeddedPg.dataSource(db).getConnection();
          Statement s = c.createStatement()) {
        s.execute(SCHEMA_SQL);
      } catch (SQLException e) {
        throw new IllegalStateException(e);
      }
      database = db;
    }
    return database;
  }

  /** Returns a {@code pg_dump -Fd} archive (gzip, default level) of {@link #database()}. */
  static synchronized Path gzipDump() {
    if (gzipDump == null) {
      gzipDump = dump("gz");
    }
    return gzipDump;
  }

  /** Returns a {@code pg_dump -Fd -Z0} archive of {@link #database()}. */
  static synchronized Path plainDump() {
    if (plainDump == null) {
      plainDump = dump("z0", "-Z0");
    }
    return plainDump;
  }

  private static Path dump(String label, String... extra) {
    try {
      Path dir = Files.createTempDirectory("pgdump-" + label).resolve("archive");
      List<String> cmd =
          new ArrayList<>(
              List.of(
                  PG_DUMP.toString(),
                  "-h",
                  "localhost",
                  "-p",
                  Integer.toString(EmbeddedPg.port()),
                  "-U",
                  "postgres",
                  "-Fd",
                  "-f",
                  dir.toString()));
      cmd.addAll(List.of(extra));
      cmd.add(database());
      run(cmd);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns {@code pg_restore -l} of an archive. */
  static String list(Path archive) {
    return run(List.of(PG_RESTORE.toString(), "-l", archive.toString()));
  }

  /**
   * Runs a command.
   *
   * @return its stdout
   * @throws IllegalStateException with stderr if it fails
   */
  static String run(List<String> cmd) {
    Result r = tryRun(cmd);
    if (r.exit() != 0) {
      throw new IllegalStateException(cmd + " failed (" + r.exit() + "): " + r.err());
    }
    return r.out();
  }

  record Result(int exit, String out, String err) {}

  static Result tryRun(List<String> cmd) {
    try {
      Path out = Files.createTempFile("cmd", ".out");
      Path err = Files.createTempFile("cmd", ".err");
      ProcessBuilder pb =
          new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().put("PGCONNECT_TIMEOUT", "10");
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(cmd + " timed out");
      }
      Result r =
          new Result(
              p.exitValue(),
              Files.readString(out, StandardCharsets.UTF_8),
              Files.readString(err, StandardCharsets.UTF_8));
      Files.delete(out);
      Files.delete(err);
      return r;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Returns every row of a query, columns as text, tab-separated. */
  static List<String> rows(String db, String sql) {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          b.append(i > 1 ? "\t" : "").append(rs.getString(i));
        }
        rows.add(b.toString());
      }
      return rows;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
