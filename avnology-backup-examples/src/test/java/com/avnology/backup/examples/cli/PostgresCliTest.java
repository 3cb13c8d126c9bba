package com.avnology.backup.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PostgresCliTest {
  static EmbeddedPostgres pg;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws IOException {
    pg = TestPg.start("cli-pg");
  }

  @AfterAll
  static void stop() throws IOException {
    pg.close();
  }

  @Test
  void demo_runsEndToEnd_andReportsIdenticalDatabases() {
    CliTest.Run demo = CliTest.cli("demo", "--identities", "300");

    assertThat(demo.code()).as(demo.err()).isZero();
    assertThat(demo.out())
        .contains("rows: sessions")
        .contains("databases identical")
        .doesNotContain("DIFFERS");
  }

  @Test
  void verify_testRestore_checksContentInAScratchDatabase() throws Exception {
    exec("postgres", "CREATE DATABASE tr_src");
    exec(
        "tr_src",
        "CREATE TABLE t (id int PRIMARY KEY, note text);"
            + " INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 500) g");
    String sink = "file:" + tmp.resolve("backups");
    assertThat(CliTest.cli("backup", "--postgres", url("tr_src"), "--to", sink).code()).isZero();

    CliTest.Run verify = CliTest.cli("verify", "--from", sink, "--test-restore", url("postgres"));

    assertThat(verify.code()).as(verify.err()).isZero();
    assertThat(verify.out())
        .contains("check postgres/main rows: 1 tables, 500 rows as recorded")
        .contains("check postgres/main content: 1 tables hold the rows the backup read");
    assertThat(
            count(
                "postgres",
                "SELECT count(*) FROM pg_database"
                    + " WHERE datname LIKE 'avnology_test_restore_%'"))
        .isZero();
  }

  @Test
  void backupAndRestore_postgresDatabase_viaCli() throws Exception {
    exec("postgres", "CREATE DATABASE cli_src; CREATE DATABASE cli_dst");
    exec(
        "cli_src",
        "CREATE TABLE t (id int PRIMARY KEY, note text);"
            + " INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 1000) g");
    String sink = "file:" + tmp.resolve("backups");

    CliTest.Run backup =
        CliTest.cli(
            "backup",
            "--postgres",
            url("cli_src"),
            "--to",
            sink,
            "--jobs",
            "2",
            "--compression",
            "gzip:6",
            "--json");
    assertThat(backup.code()).as(backup.err()).isZero();
    assertThat(backup.out()).contains("\"kind\" : \"postgres\"").contains("postgres/main/toc.dat");

    CliTest.Run restore = CliTest.cli("restore", "--from", sink, "--postgres", url("cli_dst"));
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(count("cli_dst", "SELECT count(*) FROM t")).isEqualTo(1000);

    CliTest.Run again = CliTest.cli("restore", "--from", sink, "--postgres", url("cli_dst"));
    assertThat(again.code()).isEqualTo(1);
    assertThat(again.err())
        .contains("is not empty")
        .contains("give --clean to replace")
        .doesNotContain("clean()");
    CliTest.Run dry =
        CliTest.cli(
            "restore", "--from", sink, "--postgres", url("cli_dst"), "--clean", "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("1. postgres/main from set")
        .contains(
            "into database cli_dst: replaces, in one transaction, the 1 of the archive's 1"
                + " tables that exist")
        .contains("dry run: nothing was written");
    CliTest.Run clean =
        CliTest.cli(
            "restore", "--from", sink, "--postgres", url("cli_dst"), "--clean", "--healthcheck");
    assertThat(clean.code()).as(clean.err()).isZero();
    assertThat(clean.out()).contains("check postgres/main rows: 1 tables, 1000 rows as recorded");
    assertThat(count("cli_dst", "SELECT count(*) FROM t")).isEqualTo(1000);
  }

  @Test
  void progressJson_database_reportsTablesOfTotal_rowsAndTimeLeft() throws Exception {
    exec("postgres", "CREATE DATABASE cli_prog_src; CREATE DATABASE cli_prog_dst");
    exec(
        "cli_prog_src",
        "CREATE TABLE a (id int PRIMARY KEY, note text);"
            + " INSERT INTO a SELECT g, repeat('x', 500) FROM generate_series(1, 60000) g;"
            + " CREATE TABLE b (id int); INSERT INTO b SELECT generate_series(1, 500); ANALYZE");
    String sink = "file:" + tmp.resolve("progress");
    CliTest.Run backup =
        CliTest.cli(
            "backup", "--postgres", url("cli_prog_src"), "--to", sink, "--progress", "json");
    assertThat(backup.code()).as(backup.err()).isZero();
    var done =
        CliProgressTest.events(backup.err()).stream()
            .filter(e -> e.get("phase").asText().equals("publish"))
            .findFirst()
            .orElseThrow();
    assertThat(done.get("totalEntries").asLong()).isEqualTo(2);
    assertThat(done.get("entries").asLong()).isEqualTo(2);
    assertThat(done.get("rows").asLong()).isEqualTo(60500);
    assertThat(done.get("totalRows").asLong()).isEqualTo(60500);

    CliTest.Run restore =
        CliTest.cli(
            "restore", "--from", sink, "--postgres", url("cli_prog_dst"), "--progress", "json");
    assertThat(restore.code()).as(restore.err()).isZero();
    var events = CliProgressTest.events(restore.err());
    var last = events.get(events.size() - 1);
    assertThat(last.get("rows").asLong()).isEqualTo(60500);
    assertThat(last.get("totalRows").asLong()).isEqualTo(60500);
    assertThat(last.get("totalBytes").asLong()).isPositive();
    assertThat(last.get("entries").asLong())
        .isEqualTo(last.get("totalEntries").asLong())
        .isGreaterThan(2);
    assertThat(events).anySatisfy(e -> assertThat(e.get("etaSeconds").asLong()).isNotNegative());
  }

  @Test
  void verifyPostgres_reportsAnUnfinishedRestore_exitsWith5() throws Exception {
    exec("postgres", "CREATE DATABASE cli_marked");
    CliTest.Run clean = CliTest.cli("verify", "--postgres", url("cli_marked"));
    assertThat(clean.code()).as(clean.err()).isZero();
    assertThat(clean.out()).contains("no unfinished restore in the database");

    // what a restore killed with SIGKILL leaves (InterruptedRestoreTest kills real ones)
    exec(
        "cli_marked",
        "CREATE SCHEMA avnology_unfinished_restore; COMMENT ON SCHEMA"
            + " avnology_unfinished_restore IS 'of set 20261203T000000.000Z-abcdef postgres/main/"
            + " (started 2026-12-03T00:00:00Z on host, pid 1)'");
    CliTest.Run marked = CliTest.cli("verify", "--postgres", url("cli_marked"));
    assertThat(marked.code()).isEqualTo(ExitCodes.UNFINISHED_RESTORE);
    assertThat(marked.err())
        .contains(
            "an unfinished restore of set 20261203T000000.000Z-abcdef"
                + " postgres/main/ (started 2026-12-03T00:00:00Z on host, pid 1) was found in database"
                + " cli_marked");
  }

  @Test
  void migrate_upAgainDownAndEditedMigration_viaCli() throws Exception {
    exec("postgres", "CREATE DATABASE cli_mig");
    Path dir = Files.createDirectories(tmp.resolve("migrations"));
    Files.writeString(
        dir.resolve("V1__organizations.sql"), "CREATE TABLE organizations (id int PRIMARY KEY);\n");
    Files.writeString(
        dir.resolve("V2__slug.sql"), "ALTER TABLE organizations ADD COLUMN slug text;\n");
    Files.writeString(dir.resolve("U2__slug.sql"), "ALTER TABLE organizations DROP COLUMN slug;\n");
    String[] base = {"migrate", "--postgres", url("cli_mig"), "--locations", "filesystem:" + dir};

    CliTest.Run up = CliTest.cli(base);
    assertThat(up.code()).as(up.err()).isZero();
    assertThat(up.out()).contains("2 migrations applied; current version 2");
    assertThat(CliTest.cli(base).out()).contains("0 migrations applied; current version 2");

    CliTest.Run down = CliTest.cli(concat(base, "--down"));
    assertThat(down.code()).as(down.err()).isZero();
    assertThat(down.out()).contains("rolled back 2").contains("current version 1");
    assertThat(
            count(
                "cli_mig",
                "SELECT count(*) FROM information_schema.columns"
                    + " WHERE table_name = 'organizations' AND column_name = 'slug'"))
        .isZero();

    Files.writeString(
        dir.resolve("V1__organizations.sql"),
        "CREATE TABLE organizations (id bigint PRIMARY KEY);\n");
    CliTest.Run edited = CliTest.cli(concat(base, "--validate"));
    assertThat(edited.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(edited.err()).contains("V1__organizations.sql").contains("new migration");
  }

  @Test
  void migrate_failingMigration_saysOnceInCliTerms_withoutFlywayNoise() throws Exception {
    exec("postgres", "CREATE DATABASE cli_mig_fail");
    Path dir = Files.createDirectories(tmp.resolve("failing"));
    Files.writeString(dir.resolve("V1__ok.sql"), "CREATE TABLE ok (id int);\n");
    Files.writeString(dir.resolve("V2__broken.sql"), "ALTER TABLE nope ADD COLUMN x int;\n");

    StderrCapture stderr = new StderrCapture();
    CliTest.Run run;
    try (stderr) {
      run =
          CliTest.cli(
              "migrate", "--postgres", url("cli_mig_fail"), "--locations", "filesystem:" + dir);
    }

    assertThat(run.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err().strip().lines())
        .singleElement()
        .asString()
        .startsWith("avnology-backup: error: migration failed: ")
        .contains("V2__broken.sql")
        .contains("give --snapshot DIR to rewind on failure")
        .doesNotContain("safetySnapshot()")
        .doesNotContain("-X option");
    // (the embedded server's own log lines go to stderr too)
    assertThat(stderr.text())
        .doesNotContain("org.flywaydb")
        .doesNotContainPattern("(?m)^\\[main\\] (ERROR|WARN)");
  }

  @Test
  void migrate_restoredDatabaseWithoutHistory_namesBaselineVersion_thenBaselines()
      throws Exception {
    exec("postgres", "CREATE DATABASE cli_mig_base");
    exec("cli_mig_base", "CREATE TABLE organizations (id int PRIMARY KEY)");
    Path dir = Files.createDirectories(tmp.resolve("base"));
    Files.writeString(
        dir.resolve("V1__organizations.sql"), "CREATE TABLE organizations (id int PRIMARY KEY);\n");
    Files.writeString(
        dir.resolve("V2__slug.sql"), "ALTER TABLE organizations ADD COLUMN slug text;\n");
    String[] base = {
      "migrate", "--postgres", url("cli_mig_base"), "--locations", "filesystem:" + dir
    };

    CliTest.Run refused = CliTest.cli(base);
    assertThat(refused.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(refused.err().strip().lines())
        .singleElement()
        .asString()
        .contains("holds objects but no history table")
        .contains("nothing was migrated")
        .contains("give --baseline-version VERSION with the version the schema is at")
        .doesNotContain("baseline()")
        .doesNotContain("baselineVersion(");

    CliTest.Run baselined = CliTest.cli(concat(base, "--baseline-version", "1"));
    assertThat(baselined.code()).as(baselined.err()).isZero();
    assertThat(baselined.out())
        .contains("applied 2 slug")
        .contains("1 migrations applied; current version 2");
  }

  @Test
  void backup_tableWithoutPrivilege_saysWhatFailedOnce() throws Exception {
    exec("postgres", "CREATE DATABASE cli_priv; CREATE ROLE cli_reader LOGIN");
    exec("cli_priv", "CREATE TABLE secret (id int)");
    CliTest.Run run =
        CliTest.cli(
            "backup",
            "--postgres",
            "jdbc:postgresql://localhost:" + pg.getPort() + "/cli_priv?user=cli_reader",
            "--to",
            "file:" + tmp.resolve("b"));

    assertThat(run.code()).isEqualTo(ExitCodes.FAILED);
    String line = run.err().strip();
    assertThat(line.lines()).hasSize(1);
    assertThat(line).contains("set ").contains("was not published").contains("secret");
    assertThat(line.split("backup of postgres/main failed", -1)).as(line).hasSize(2);
  }

  /** Collects what is written to System.err (where slf4j-simple logs) while open. */
  static final class StderrCapture implements AutoCloseable {
    private final java.io.PrintStream saved = System.err;
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    StderrCapture() {
      System.setErr(new java.io.PrintStream(bytes, true, UTF_8));
    }

    String text() {
      return bytes.toString(UTF_8);
    }

    @Override
    public void close() {
      System.setErr(saved);
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void backup_badPassword_failsWithoutPrintingIt() {
    CliTest.Run run =
        CliTest.cli(
            "backup",
            "--postgres",
            "jdbc:postgresql://localhost:1/nope?user=u&password=s3cr3t-value",
            "--to",
            "file:" + tmp.resolve("b"));

    assertThat(run.code()).isEqualTo(1);
    assertThat(run.err()).contains("cannot connect").doesNotContain("s3cr3t-value");
  }

  @Test
  void backup_largeObjects_keptUnlessNoLargeObjects() throws Exception {
    exec(
        "postgres",
        "CREATE DATABASE cli_lo; CREATE DATABASE cli_lo_all;" + " CREATE DATABASE cli_lo_none");
    exec("cli_lo", "CREATE TABLE t (id int); SELECT lo_from_bytea(0, 'blob'::bytea)");
    String all = "file:" + tmp.resolve("lo-all");
    String none = "file:" + tmp.resolve("lo-none");

    CliTest.Run kept = CliTest.cli("backup", "--postgres", url("cli_lo"), "--to", all);
    CliTest.Run without =
        CliTest.cli("backup", "--postgres", url("cli_lo"), "--to", none, "--no-large-objects");
    assertThat(kept.code()).as(kept.err()).isZero();
    assertThat(without.code()).as(without.err()).isZero();
    assertThat(CliTest.cli("restore", "--from", all, "--postgres", url("cli_lo_all")).code())
        .isZero();
    assertThat(CliTest.cli("restore", "--from", none, "--postgres", url("cli_lo_none")).code())
        .isZero();

    assertThat(count("cli_lo_all", "SELECT count(*) FROM pg_largeobject_metadata")).isEqualTo(1);
    assertThat(count("cli_lo_none", "SELECT count(*) FROM pg_largeobject_metadata")).isZero();
  }

  @Test
  void backup_excludeTableDataAndNoUnloggedTableData_leaveRowsOut_keepDefinitions()
      throws Exception {
    exec("postgres", "CREATE DATABASE cli_rows; CREATE DATABASE cli_rows_back");
    exec(
        "cli_rows",
        "CREATE TABLE kept (id int); INSERT INTO kept VALUES (1), (2);"
            + " CREATE TABLE audit (id int); INSERT INTO audit VALUES (1);"
            + " CREATE UNLOGGED TABLE cache (k text PRIMARY KEY); INSERT INTO cache VALUES ('a')");
    String to = "file:" + tmp.resolve("rows");

    CliTest.Run backup =
        CliTest.cli(
            "backup",
            "--postgres",
            url("cli_rows"),
            "--to",
            to,
            "--exclude-table-data",
            "public.audit",
            "--no-unlogged-table-data");
    assertThat(backup.code()).as(backup.err()).isZero();
    CliTest.Run restore = CliTest.cli("restore", "--from", to, "--postgres", url("cli_rows_back"));
    assertThat(restore.code()).as(restore.err()).isZero();

    assertThat(count("cli_rows_back", "SELECT count(*) FROM kept")).isEqualTo(2);
    assertThat(count("cli_rows_back", "SELECT count(*) FROM audit")).isZero();
    assertThat(count("cli_rows_back", "SELECT count(*) FROM cache")).isZero();
    // a physical backup copies the cluster whole: leaving rows out is refused, not ignored
    CliTest.Run physical =
        CliTest.cli(
            "backup",
            "--postgres",
            url("cli_rows"),
            "--data-dir",
            tmp.toString(),
            "--to",
            "file:" + tmp.resolve("never"),
            "--no-unlogged-table-data");
    assertThat(physical.code()).isEqualTo(2);
    assertThat(physical.err()).contains("--no-unlogged-table-data", "--data-dir");
  }

  private static String url(String db) {
    return TestPg.url(pg, db);
  }

  private static void exec(String db, String sql) throws Exception {
    TestPg.exec(pg, db, sql);
  }

  private static long count(String db, String sql) throws Exception {
    return Long.parseLong(TestPg.query(pg, db, sql));
  }
}
