package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A restore stopped at any moment never loses what the database held: child JVMs restoring a set
 * are sent SIGINT, SIGTERM or SIGKILL during pre-data, mid-COPY and during an index build, in each
 * {@link RestoreMode}; connections of in-process restores are terminated with {@code
 * pg_terminate_backend}. Afterwards the destination equals its state before the restore (or, for an
 * in-place restore killed with SIGKILL into an empty database, holds a marker that is reported).
 */
final class InterruptedRestoreTest {
  private static final AtomicInteger CHILD = new AtomicInteger();
  private static final Map<String, Pattern> POINTS =
      Map.of(
          // found anywhere in the statement: a restore from a URL (simple query mode) sends a batch
          // of statements as one, and the server shows the whole batch
          "pre-data", Pattern.compile("CREATE TABLE app\\.t\\d+ "),
          "copy", Pattern.compile("^COPY app\\.big "),
          "index", Pattern.compile("CREATE INDEX big_payload_idx "));

  @TempDir static Path tmp;
  static String source;
  static String setId;
  static String populated;

  @BeforeAll
  static void backUpOnce() {
    source = EmbeddedPg.createDatabase("intsrc");
    StringBuilder sql =
        new StringBuilder(
            "CREATE SCHEMA app;"
                + " CREATE TABLE app.big (id int PRIMARY KEY, payload text);"
                + " INSERT INTO app.big SELECT g, repeat(md5(g::text), 6) FROM generate_series(1, 300000) g;"
                + " CREATE INDEX big_payload_idx ON app.big (payload);"
                + " CREATE VIEW app.big_view AS SELECT id FROM app.big WHERE id < 10;");
    for (int i = 1; i <= 300; i++) {
      sql.append(" CREATE TABLE app.t")
          .append(i)
          .append(" (id serial PRIMARY KEY, v text);")
          .append(" INSERT INTO app.t")
          .append(i)
          .append(" (v) VALUES ('row of t")
          .append(i)
          .append("');");
    }
    Fidelity.applySql(sql.toString(), source);
    setId =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink())
            .build()
            .run()
            .setId();
    // an older state of the same database, which clean and swap restores must not lose
    String template = EmbeddedPg.createDatabase("intold");
    restore(template, RestoreMode.IN_PLACE, false);
    Fidelity.applySql(
        "DELETE FROM app.big WHERE id <= 1000; INSERT INTO app.big VALUES (-1, 'old');"
            + " UPDATE app.t7 SET v = 'changed'; CREATE TABLE public.keep_me (x int);"
            + " INSERT INTO public.keep_me VALUES (42);",
        template);
    populated = template;
  }

  private static FileSystemSink sink() {
    return FileSystemSink.of(tmp.resolve("sink"));
  }

  private static void restore(String db, RestoreMode mode, boolean clean) {
    PostgresTarget.Builder target =
        PostgresTarget.builder(EmbeddedPg.dataSource(db)).restoreMode(mode);
    if (clean) {
      target.clean();
    }
    RestorePlan.builder(sink()).set(setId).target(target.build()).build().execute();
  }

  // SIGINT and SIGTERM take one path (the JVM's shutdown hooks), so each point is reached by one of
  // them per mode, and by each of them in some mode; SIGKILL, which nothing in the JVM sees, at
  // every point in every mode.
  @ParameterizedTest(name = "{0} clean={1} {2} at {3}")
  @CsvSource({
    "IN_PLACE, false, INT, pre-data",
    "IN_PLACE, false, TERM, copy",
    "IN_PLACE, false, INT, index",
    "IN_PLACE, false, KILL, pre-data",
    "IN_PLACE, false, KILL, copy",
    "IN_PLACE, false, KILL, index",
    "SINGLE_TRANSACTION, true, TERM, pre-data",
    "SINGLE_TRANSACTION, true, INT, copy",
    "SINGLE_TRANSACTION, true, TERM, index",
    "SINGLE_TRANSACTION, true, KILL, pre-data",
    "SINGLE_TRANSACTION, true, KILL, copy",
    "SINGLE_TRANSACTION, true, KILL, index",
    "SWAP, false, INT, pre-data",
    "SWAP, false, TERM, copy",
    "SWAP, false, INT, index",
    "SWAP, false, KILL, pre-data",
    "SWAP, false, KILL, copy",
    "SWAP, false, KILL, index"
  })
  void signalledRestore_neverLosesTheDestination(
      RestoreMode mode, boolean clean, String signal, String point) throws Exception {
    String db =
        mode == RestoreMode.IN_PLACE ? EmbeddedPg.createDatabase("intdst") : copyOf(populated);
    Map<String, String> before = state(db);
    String app = "child-" + CHILD.incrementAndGet();
    String output = runChild(db, app, mode, clean, point, signal);

    if (!signal.equals("KILL")) {
      assertThat(output)
          .contains("RESULT interrupted unchanged=true")
          .contains("interrupted by a shutdown");
      assertThat(state(db)).isEqualTo(before);
      assertThat(PostgresTarget.builder(EmbeddedPg.dataSource(db)).build().unfinishedRestores())
          .noneMatch(s -> s.contains(db + " ") || s.endsWith(db));
      return;
    }
    assertThat(output).doesNotContain("RESULT");
    List<String> unfinished =
        PostgresTarget.builder(EmbeddedPg.dataSource(db)).build().unfinishedRestores();
    if (mode == RestoreMode.SINGLE_TRANSACTION) {
      assertThat(state(db)).isEqualTo(before);
      return;
    }
    assertThat(unfinished)
        .anySatisfy(
            s ->
                assertThat(s)
                    .startsWith("an unfinished restore of set " + setId + " postgres/main/")
                    .contains("was found in database " + (mode == RestoreMode.SWAP ? "" : db)));
    if (mode == RestoreMode.SWAP) {
      assertThat(state(db)).isEqualTo(before);
      if (point.equals("copy")) {
        // the next swap restore drops what the killed one left, and succeeds
        restore(db, RestoreMode.SWAP, false);
        assertThat(leftoverDatabases(db)).isEmpty();
        Fidelity.assertSameDatabase(source, db);
      }
      return;
    }
    // IN_PLACE into an empty database: nothing was lost, and the leftovers are reported
    if (point.equals("copy")) {
      assertThatThrownBy(() -> restore(db, RestoreMode.IN_PLACE, false))
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("an unfinished restore of set " + setId)
          .hasMessageContaining("was found in database " + db)
          .hasMessageContaining("--clean");
      restore(db, RestoreMode.SINGLE_TRANSACTION, true);
      Fidelity.assertSameDatabase(source, db);
      assertThat(PostgresTarget.builder(EmbeddedPg.dataSource(db)).build().unfinishedRestores())
          .noneMatch(s -> s.endsWith(db));
    }
  }

  @ParameterizedTest(name = "{0}: terminate the {1}")
  @CsvSource({
    "IN_PLACE, worker",
    "IN_PLACE, leader",
    "SINGLE_TRANSACTION, leader",
    "SWAP, worker",
    "SWAP, leader"
  })
  void terminatedConnection_leavesTheDestinationAsItWas(RestoreMode mode, String which)
      throws Exception {
    String db =
        mode == RestoreMode.IN_PLACE ? EmbeddedPg.createDatabase("termdst") : copyOf(populated);
    Map<String, String> before = state(db);
    String app = "term-" + CHILD.incrementAndGet();
    PGSimpleDataSource ds = (PGSimpleDataSource) EmbeddedPg.dataSource(db);
    ds.setApplicationName(app);
    PostgresTarget.Builder target = PostgresTarget.builder(ds).restoreMode(mode);
    if (mode == RestoreMode.SINGLE_TRANSACTION) {
      target.clean();
    }
    var plan = RestorePlan.builder(sink()).set(setId).target(target.build()).build();
    CompletableFuture<Void> run = CompletableFuture.runAsync(plan::execute);
    waitFor(app, POINTS.get("copy"), () -> run.isDone() ? "the restore ended first" : null);
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE application_name = '"
                    + app
                    + " restore "
                    + which
                    + "'"
                    + (which.equals("worker") ? " AND query LIKE 'COPY app.big %'" : ""))) {
      assertThat(rs.next()).as("a " + which + " to terminate").isTrue();
    }
    assertThat(run)
        .failsWithin(120, TimeUnit.SECONDS)
        .withThrowableThat()
        .havingCause()
        .isInstanceOf(BackupException.class)
        .satisfies(
            e ->
                assertThat(e.getMessage())
                    .containsAnyOf("the database is as it was", "is untouched"));
    waitUntilGone(app);
    assertThat(state(db)).isEqualTo(before);
  }

  @Test
  void swap_replacesTheDatabaseAndKeepsItsProperties() throws Exception {
    String db = copyOf(populated);
    Fidelity.applySql(
        "ALTER DATABASE "
            + db
            + " SET search_path = app, public;"
            + " ALTER DATABASE "
            + db
            + " SET work_mem = '7MB';"
            + " COMMENT ON DATABASE "
            + db
            + " IS 'the identity store';"
            + " REVOKE ALL ON DATABASE "
            + db
            + " FROM PUBLIC;"
            + " DROP ROLE IF EXISTS swap_reader; CREATE ROLE swap_reader;"
            + " GRANT CONNECT ON DATABASE "
            + db
            + " TO swap_reader;",
        db);
    String props = databaseProperties(db);
    restore(db, RestoreMode.SWAP, false);
    Fidelity.assertSameDatabase(source, db);
    assertThat(databaseProperties(db)).isEqualTo(props);
    assertThat(leftoverDatabases(db)).isEmpty();
  }

  @Test
  void cleanInPlace_isRefused() {
    assertThatThrownBy(
            () ->
                PostgresTarget.builder(EmbeddedPg.dataSource(source))
                    .clean()
                    .restoreMode(RestoreMode.IN_PLACE)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("clean() with restoreMode(IN_PLACE) would drop the old objects");
  }

  private static String databaseProperties(String db) throws SQLException {
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_get_userbyid(datdba), datacl::text,"
                    + " shobj_description(d.oid, 'pg_database'), datconnlimit, encoding, datcollate,"
                    + " (SELECT array_agg(x ORDER BY x)::text FROM pg_db_role_setting rs,"
                    + " unnest(rs.setconfig) x WHERE rs.setdatabase = d.oid)"
                    + " FROM pg_database d WHERE datname = '"
                    + db
                    + "'")) {
      rs.next();
      StringBuilder b = new StringBuilder();
      for (int i = 1; i <= 7; i++) {
        b.append(rs.getString(i)).append('|');
      }
      return b.toString();
    }
  }

  private static List<String> leftoverDatabases(String db) throws SQLException {
    List<String> found = new ArrayList<>();
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT datname FROM pg_database WHERE datname LIKE '" + db + "\\_avn%'")) {
      while (rs.next()) {
        found.add(rs.getString(1));
      }
    }
    return found;
  }

  private static String copyOf(String template) {
    String name = EmbeddedPg.createDatabase("intcopy");
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE " + name);
      s.execute("CREATE DATABASE " + name + " TEMPLATE " + template);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return name;
  }

  private static Map<String, String> state(String db) {
    DataSource ds = EmbeddedPg.dataSource(db);
    Map<String, String> all = new TreeMap<>();
    Fidelity.catalogSnapshot(ds).forEach((k, v) -> all.put("catalog " + k, v));
    Fidelity.tableHashes(ds).forEach((k, v) -> all.put("rows " + k, v));
    Fidelity.sequenceValues(ds).forEach((k, v) -> all.put("sequence " + k, v));
    return all;
  }

  private static String runChild(
      String db, String app, RestoreMode mode, boolean clean, String point, String signal)
      throws Exception {
    String url = EmbeddedPg.jdbcUrl(db) + "&ApplicationName=" + app;
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                RestoreChild.class.getName(),
                tmp.resolve("sink").toString(),
                setId,
                url,
                mode.name(),
                Boolean.toString(clean),
                "2")
            .redirectErrorStream(true)
            .start();
    @SuppressWarnings("JdkObsolete") // appended by the reader thread, read by the test
    StringBuffer out = new StringBuffer();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  out.append(line).append('\n');
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            });
    reader.start();
    try {
      waitFor(
          app,
          POINTS.get(point),
          () ->
              p.isAlive()
                  ? null
                  : "the child exited: "
                      + out
                      + " (class path "
                      + System.getProperty("java.class.path")
                      + ")");
      // kill(1), not Process.destroy(), which also closes our end of the child's output
      new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
      assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("child exited").isTrue();
      reader.join(10_000);
      assertThat(p.exitValue()).as(out.toString()).isNotZero();
      waitUntilGone(app);
      return out.toString();
    } finally {
      p.destroyForcibly();
    }
  }

  /**
   * Polls pg_stat_activity until a session of {@code app} runs a statement in which {@code point}
   * is found.
   */
  private static void waitFor(String app, Pattern point, java.util.function.Supplier<String> dead)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT query FROM pg_stat_activity WHERE state ="
                    + " 'active' AND application_name LIKE '"
                    + app
                    + " %'")) {
          while (rs.next()) {
            if (point.matcher(rs.getString(1)).find()) {
              return;
            }
          }
        }
        String why = dead.get();
        if (why != null) {
          throw new AssertionError("never saw " + point + ": " + why);
        }
        Thread.sleep(3);
      }
    }
    throw new AssertionError("never saw " + point);
  }

  /** Waits until the server has ended every session of {@code app} (and rolled back its work). */
  private static void waitUntilGone(String app) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      while (System.nanoTime() < deadline) {
        try (ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity"
                    + " WHERE application_name LIKE '"
                    + app
                    + "%'")) {
          rs.next();
          if (rs.getInt(1) == 0) {
            return;
          }
        }
        Thread.sleep(20);
      }
    }
    throw new AssertionError("sessions of " + app + " still there");
  }
}
