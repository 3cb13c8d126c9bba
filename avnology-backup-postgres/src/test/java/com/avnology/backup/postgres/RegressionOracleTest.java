package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The oracle: PostgreSQL 15's regression database (the fixture {@code pg-regress-15}, found through
 * {@code -Dpg.regress.fixtures} or {@code PG_REGRESS_FIXTURES}), built on a scratch cluster of
 * Debian's PostgreSQL 15 (its {@code regress.so} must match that server's headers), then restored
 * three ways (our backup and restore; our custom export read by {@code pg_restore -j2}, which must
 * report no error; our reader of pg_dump's archive) and compared with what {@code pg_dump -Fc |
 * pg_restore -j2} makes of it: schema ({@code pg_dump -s}), per-table content hashes and sequences,
 * compared between the two restored databases so that pg_dump's own known differences cancel.
 * Skipped with a message when the fixture, Debian's PostgreSQL 15, a C compiler or the server
 * headers are missing.
 */
final class RegressionOracleTest {
  private static final Logger LOG = LoggerFactory.getLogger(RegressionOracleTest.class);
  private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

  private static Path work;
  private static int port;
  private static Path reference;

  @BeforeAll
  static void buildRegressionDatabase() throws Exception {
    Path fixture = fixture();
    Assumptions.assumeTrue(
        fixture != null,
        "set -Dpg.regress.fixtures or PG_REGRESS_FIXTURES to"
            + " the pg-regress-15 fixture directory to run the regression-database oracle");
    for (String tool : List.of("postgres", "initdb", "pg_ctl", "psql", "pg_dump", "pg_restore")) {
      Assumptions.assumeTrue(
          Files.isExecutable(BIN.resolve(tool)),
          BIN.resolve(tool) + " missing: apt-get install postgresql-15 postgresql-client-15");
    }
    Assumptions.assumeTrue(
        run(List.of("cc", "--version"), null, 30).exit == 0,
        "no C compiler (cc) to build regress.so: apt-get install gcc");
    Result inc = run(List.of("pg_config", "--includedir-server"), null, 30);
    Assumptions.assumeTrue(
        inc.exit == 0 && Files.isRegularFile(Path.of(inc.out.strip(), "postgres.h")),
        "PostgreSQL 15 server headers missing: apt-get install postgresql-server-dev-15");

    work = Files.createTempDirectory(Path.of("/tmp"), "regress-oracle");
    asRoot("chmod", "755", work.toString());
    asRoot("chown", "postgres", work.toString());
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    check(
        run(
            asPostgres(
                BIN.resolve("initdb").toString(),
                "-D",
                work + "/data",
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C"),
            null,
            120),
        "initdb");
    check(
        run(
            asPostgres(
                BIN.resolve("pg_ctl").toString(),
                "-D",
                work + "/data",
                "-l",
                work + "/server.log",
                "-w",
                "-o",
                "-p "
                    + port
                    + " -k "
                    + work
                    + " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                    + " -c max_prepared_transactions=10",
                "start"),
            null,
            120),
        "pg_ctl start");
    long t0 = System.nanoTime();
    Result built =
        run(
            List.of(
                "bash",
                fixture.resolve("build-regression-db.sh").toString(),
                "regression",
                work.resolve("build").toString()),
            null,
            600);
    check(built, "build-regression-db.sh");
    LOG.info(
        "regression database built in {} s: {}",
        (System.nanoTime() - t0) / 1_000_000_000L,
        built.out.strip());
    reference = work.resolve("pgdump.dump");
    tool("pg_dump", "-Fc", "-f", reference.toString(), "-d", "regression");
    createDatabase("viapgrestore");
    tool("pg_restore", "-j", "2", "-d", "viapgrestore", reference.toString());
  }

  @AfterAll
  static void stopServer() {
    if (work != null) {
      run(
          asPostgres(
              BIN.resolve("pg_ctl").toString(), "-D", work + "/data", "-m", "immediate", "stop"),
          null,
          60);
      run(List.of("rm", "-rf", work.toString()), null, 120);
    }
  }

  @Test
  void ourReaderOfPgDumpArchive_restoresWhatPgRestoreRestores() {
    createDatabase("viaourreader");

    PgDumpArchive.open(reference)
        .restore(PostgresTarget.builder(dataSource("viaourreader")).jobs(2).build());

    assertThat(differences("viapgrestore", "viaourreader")).isEmpty();
  }

  @Test
  void ourBackupAndRestore_restoresWhatPgRestoreRestores() {
    FileSystemSink sink = FileSystemSink.of(work.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(dataSource("regression")).jobs(2).build())
        .sink(sink)
        .build()
        .run();
    createDatabase("viaours");

    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(dataSource("viaours")).jobs(2).build())
        .build()
        .execute();

    assertThat(differences("viapgrestore", "viaours")).isEmpty();
  }

  @Test
  void ourCustomExport_restoredByPgRestore_withoutErrors() {
    Path ours = work.resolve("ours.dump");
    PgDumpArchive.export(
        PostgresTarget.builder(dataSource("regression")).build(), ours, Compression.gzip(1));
    createDatabase("viaexport");

    // any error makes pg_restore exit non-zero ("errors ignored on restore: N"), failing tool()
    tool("pg_restore", "-j", "2", "-d", "viaexport", ours.toString());

    assertThat(differences("viapgrestore", "viaexport")).isEmpty();
    // Debian's PostgreSQL 15 gives every column it creates an attribute option of its own,
    // pg_attver, which its pg_dump leaves out (pg_dump -s above cannot show it): so do we, as
    // another server refuses it and restoring it would cost a statement per column
    assertThat(tool("pg_restore", "-s", "-f", "-", ours.toString())).doesNotContain("pg_attver");
  }

  /** Schema lines, table hashes and sequence values that differ between two databases. */
  static List<String> differences(String expectedDb, String actualDb) {
    List<String> out = new ArrayList<>();
    out.addAll(lineMultisetDiff(schema(expectedDb), schema(actualDb)));
    out.addAll(
        mapDiff(
            "table",
            Fidelity.tableHashes(dataSource(expectedDb)),
            Fidelity.tableHashes(dataSource(actualDb))));
    out.addAll(
        mapDiff(
            "sequence",
            Fidelity.sequenceValues(dataSource(expectedDb)),
            Fidelity.sequenceValues(dataSource(actualDb))));
    if (!out.isEmpty()) {
      LOG.warn(
          "{} vs {}: {} differing lines:\n{}",
          expectedDb,
          actualDb,
          out.size(),
          String.join("\n", out.subList(0, Math.min(out.size(), 200))));
    }
    return out;
  }

  private static String schema(String db) {
    return Fidelity.stripRestrictLines(tool("pg_dump", "-s", "-d", db));
  }

  private static List<String> lineMultisetDiff(String expected, String actual) {
    Map<String, Integer> count = new HashMap<>();
    for (String l : expected.split("\n", -1)) {
      count.merge(l, 1, Integer::sum);
    }
    for (String l : actual.split("\n", -1)) {
      count.merge(l, -1, Integer::sum);
    }
    List<String> out = new ArrayList<>();
    count.forEach(
        (line, n) -> {
          for (int i = 0; i < Math.abs(n); i++) {
            out.add((n > 0 ? "- " : "+ ") + line);
          }
        });
    out.sort(null);
    return out;
  }

  private static List<String> mapDiff(
      String what, Map<String, String> expected, Map<String, String> actual) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      if (!e.getValue().equals(actual.get(e.getKey()))) {
        out.add(what + " " + e.getKey() + ": " + e.getValue() + " vs " + actual.get(e.getKey()));
      }
    }
    for (String k : actual.keySet()) {
      if (!expected.containsKey(k)) {
        out.add(what + " " + k + " only in the restored copy");
      }
    }
    return out;
  }

  // ---- the scratch cluster

  private static Path fixture() {
    String dir = System.getProperty("pg.regress.fixtures", System.getenv("PG_REGRESS_FIXTURES"));
    if (dir == null || dir.isBlank()) {
      return null;
    }
    Path p = Path.of(dir);
    return Files.isRegularFile(p.resolve("build-regression-db.sh")) ? p : null;
  }

  static DataSource dataSource(String db) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setServerNames(new String[] {"localhost"});
    ds.setPortNumbers(new int[] {port});
    ds.setDatabaseName(db);
    ds.setUser("postgres");
    return ds;
  }

  private static void createDatabase(String db) {
    tool(
        "psql",
        "-X",
        "-q",
        "-v",
        "ON_ERROR_STOP=1",
        "-d",
        "postgres",
        "-c",
        "CREATE DATABASE "
            + db
            + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'"
            + " LC_CTYPE 'C'");
  }

  private static String tool(String name, String... args) {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                BIN.resolve(name).toString(),
                "-h",
                "localhost",
                "-p",
                Integer.toString(port),
                "-U",
                "postgres"));
    cmd.addAll(Arrays.asList(args));
    Result r = run(cmd, null, 600);
    check(r, name);
    return r.out;
  }

  private static boolean root() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<String> asPostgres(String... cmd) {
    List<String> out = new ArrayList<>();
    if (root()) {
      out.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    out.addAll(Arrays.asList(cmd));
    return out;
  }

  private static void asRoot(String... cmd) {
    if (root()) {
      run(Arrays.asList(cmd), null, 30);
    }
  }

  private record Result(int exit, String out, String err) {}

  private static void check(Result r, String what) {
    if (r.exit != 0) {
      throw new IllegalStateException(what + " failed (" + r.exit + "): " + r.err + r.out);
    }
  }

  private static Result run(List<String> cmd, Path dir, int timeoutSeconds) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      Map<String, String> env = pb.environment();
      env.put("PGHOST", "localhost");
      env.put("PGPORT", Integer.toString(port));
      env.put("PGUSER", "postgres");
      env.put("PATH", BIN + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
      env.remove("PGPASSWORD");
      Path out = Files.createTempFile("oracle", ".out");
      Path err = Files.createTempFile("oracle", ".err");
      try {
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          return new Result(-1, "", String.join(" ", cmd) + " timed out");
        }
        return new Result(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      return new Result(-1, "", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Result(-1, "", e.toString());
    }
  }
}
