package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI, in a process of its own, sent SIGTERM in the middle of {@code restore --clean}: it rolls
 * back, says so on one line, exits with 4 (interrupted, destination unchanged), and the database
 * still holds its old rows.
 */
final class CliSignalTest {
  static EmbeddedPostgres pg;
  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws IOException {
    pg = TestPg.start("cli-signal");
  }

  @AfterAll
  static void stop() throws IOException {
    pg.close();
  }

  @Test
  void sigtermDuringRestoreClean_rollsBack_saysSo_exitsWith4() throws Exception {
    exec("postgres", "CREATE DATABASE sig_src; CREATE DATABASE sig_dst");
    exec(
        "sig_src",
        "CREATE TABLE t (id int PRIMARY KEY, note text);"
            + " INSERT INTO t SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 400000) g");
    String sink = "file:" + tmp.resolve("backups");
    CliTest.Run backup = CliTest.cli("backup", "--postgres", url("sig_src"), "--to", sink);
    assertThat(backup.code()).as(backup.err()).isZero();
    exec(
        "sig_dst",
        "CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t VALUES (1, 'old')");

    Path err = tmp.resolve("err.txt");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "restore",
                "--from",
                sink,
                "--postgres",
                url("sig_dst") + "&ApplicationName=sigcli",
                "--clean")
            .redirectError(err.toFile())
            .redirectOutput(tmp.resolve("out.txt").toFile())
            .start();
    try {
      waitForCopy();
      new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(stderr).isEqualTo(ExitCodes.INTERRUPTED);
      assertThat(stderr)
          .contains("avnology-backup: error: restore of postgres/main from set")
          .contains("interrupted by a shutdown")
          .contains("the transaction was rolled back, the database is as it was");
    } finally {
      p.destroyForcibly();
    }
    assertThat(query("sig_dst", "SELECT string_agg(id || ':' || note, ',') FROM t"))
        .isEqualTo("1:old");
  }

  /**
   * {@code java -jar} runs restore in a second JVM ({@link Relaunch}); a SIGTERM sent to the first
   * only is passed on, the restore rolls back, and the first ends with the restore's own code.
   */
  @Test
  void relaunched_sigtermToTheLauncher_isPassedOn_rollsBack_exitsWith4() throws Exception {
    String sink = relaunchFixture("rel_src", "rel_dst");
    Path err = tmp.resolve("rel-err.txt");
    Process p = relaunched(sink, "rel_dst", "relcli", err);
    try {
      waitForCopy("relcli");
      assertThat(p.descendants().count()).as("the restore runs in a second JVM").isEqualTo(1);
      new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(stderr).isEqualTo(ExitCodes.INTERRUPTED);
      assertThat(stderr)
          .contains("interrupted by a shutdown")
          .contains("the transaction was rolled back, the database is as it was");
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
    assertThat(query("rel_dst", "SELECT string_agg(id || ':' || note, ',') FROM t"))
        .isEqualTo("1:old");
  }

  /** The launching JVM killed outright: the restore in the second JVM stops too, and rolls back. */
  @Test
  void relaunched_launcherKilled_restoreStopsAndRollsBack() throws Exception {
    String sink = relaunchFixture("relk_src", "relk_dst");
    Process p = relaunched(sink, "relk_dst", "relkill", tmp.resolve("relk-err.txt"));
    ProcessHandle child = null;
    try {
      waitForCopy("relkill");
      child = p.descendants().findFirst().orElseThrow();
      p.destroyForcibly().waitFor();
      assertThat(child.onExit().get(60, TimeUnit.SECONDS).isAlive()).isFalse();
    } finally {
      if (child != null) {
        child.destroyForcibly();
      }
    }
    assertThat(query("relk_dst", "SELECT string_agg(id || ':' || note, ',') FROM t"))
        .isEqualTo("1:old");
  }

  private String relaunchFixture(String src, String dst) throws Exception {
    exec("postgres", "CREATE DATABASE " + src + "; CREATE DATABASE " + dst);
    exec(
        src,
        "CREATE TABLE t (id int PRIMARY KEY, note text);"
            + " INSERT INTO t SELECT g, repeat(md5(g::text), 8) FROM generate_series(1, 400000) g");
    String sink = "file:" + tmp.resolve(src);
    CliTest.Run backup = CliTest.cli("backup", "--postgres", url(src), "--to", sink);
    assertThat(backup.code()).as(backup.err()).isZero();
    exec(dst, "CREATE TABLE t (id int PRIMARY KEY, note text); INSERT INTO t VALUES (1, 'old')");
    return sink;
  }

  private static Process relaunched(String sink, String db, String app, Path err)
      throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                JarMain.class.getName(),
                "restore",
                "--from",
                sink,
                "--postgres",
                url(db) + "&ApplicationName=" + app,
                "--clean")
            .redirectError(err.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().remove(Relaunch.SWITCH);
    // the class path from the environment: a JVM whose command line is longer than the OS shows
    // (4 KiB) runs the command itself, having nothing it can repeat
    pb.environment().put("CLASSPATH", System.getProperty("java.class.path"));
    return pb.start();
  }

  @Test
  void sigintDuringTenantRestore_rollsBack_exitsWith4() throws Exception {
    String schema =
        "CREATE TABLE orgs (id int PRIMARY KEY, name text);"
            + " CREATE TABLE members (id int PRIMARY KEY, org_id int NOT NULL REFERENCES orgs,"
            + " note text)";
    exec("postgres", "CREATE DATABASE ten_src; CREATE DATABASE ten_live");
    exec(
        "ten_src",
        schema
            + "; INSERT INTO orgs VALUES (1, 'acme'), (2, 'other');"
            + " INSERT INTO members SELECT g, 1 + g % 2, repeat(md5(g::text), 8)"
            + " FROM generate_series(1, 600000) g");
    String sink = "file:" + tmp.resolve("tenant-backups");
    CliTest.Run backup = CliTest.cli("backup", "--postgres", url("ten_src"), "--to", sink);
    assertThat(backup.code()).as(backup.err()).isZero();
    exec(
        "ten_live",
        schema
            + "; INSERT INTO orgs VALUES (2, 'other');"
            + " INSERT INTO members VALUES (2, 2, 'live')");

    Path err = tmp.resolve("tenant-err.txt");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "restore-tenant",
                "--from",
                sink,
                "--postgres",
                url("ten_live") + "&ApplicationName=sigtenant",
                "--root",
                "orgs",
                "--key",
                "id=1")
            .redirectError(err.toFile())
            .redirectOutput(tmp.resolve("tenant-out.txt").toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
      while (!query(
              "postgres",
              "SELECT count(*) FROM pg_stat_activity WHERE application_name"
                  + " = 'sigtenant' AND state = 'active' AND query LIKE 'COPY %'")
          .equals("1")) {
        assertThat(p.isAlive()).as("the tenant restore runs until its COPY").isTrue();
        assertThat(System.nanoTime()).as("reached its COPY within 120 s").isLessThan(deadline);
        Thread.sleep(5);
      }
      new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assertThat(p.exitValue()).as(stderr).isEqualTo(ExitCodes.INTERRUPTED);
      assertThat(stderr)
          .contains("tenant restore of orgs.id = 1 interrupted by a shutdown")
          .contains("the transaction was rolled back, nothing was restored");
    } finally {
      p.destroyForcibly();
    }
    assertThat(
            query(
                "ten_live",
                "SELECT (SELECT count(*) FROM orgs) || '/'"
                    + " || (SELECT string_agg(id || ':' || note, ',') FROM members)"))
        .isEqualTo("1/2:live");
  }

  private static void waitForCopy() throws Exception {
    waitForCopy("sigcli");
  }

  private static void waitForCopy(String app) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (query(
              "postgres",
              "SELECT count(*) FROM pg_stat_activity WHERE state = 'active'"
                  + " AND application_name LIKE '"
                  + app
                  + "%' AND query LIKE 'COPY %'")
          .equals("1")) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the restore never reached its COPY");
  }

  private static String url(String db) {
    return TestPg.url(pg, db);
  }

  private static void exec(String db, String sql) throws Exception {
    TestPg.exec(pg, db, sql);
  }

  private static String query(String db, String sql) throws Exception {
    return TestPg.query(pg, db, sql);
  }
}
