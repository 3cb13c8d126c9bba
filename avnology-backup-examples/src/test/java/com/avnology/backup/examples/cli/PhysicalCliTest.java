package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI as PostgreSQL runs it: archive_command and restore_command call {@code wal-push} and
 * {@code wal-get} in a new JVM each; {@code backup --data-dir} and {@code restore --data-dir
 * --target-name} around them.
 */
final class PhysicalCliTest {
  @TempDir static Path dir;
  static EmbeddedPostgres pg;
  static Path cli;
  static String sink;

  @BeforeAll
  static void start() throws Exception {
    sink = "file:" + dir.resolve("sink");
    cli = cliScript();
    pg = server(dir.resolve("source"), true, "on");
    exec(pg, "ALTER SYSTEM SET archive_command = '" + cli + " wal-push --to " + sink + " %p'");
    exec(pg, "SELECT pg_reload_conf()");
  }

  @AfterAll
  static void stop() throws IOException {
    pg.close();
  }

  @Test
  void backupDataDir_thenRestoreToRestorePoint_viaCli() throws Exception {
    exec(pg, "CREATE TABLE t (tag text)");
    exec(pg, "INSERT INTO t SELECT 'base' FROM generate_series(1, 10)");
    CliTest.Run backup =
        CliTest.cli(
            "backup",
            "--postgres",
            url(pg),
            "--data-dir",
            dir.resolve("source").toString(),
            "--to",
            sink);
    assertThat(backup.code()).as(backup.err()).isZero();
    assertThat(backup.out()).contains("physical/cluster:");
    exec(pg, "INSERT INTO t VALUES ('A')");
    exec(pg, "SELECT pg_create_restore_point('cli_a')");
    exec(pg, "INSERT INTO t VALUES ('B')");
    // the insert position: the asynchronous commits may not be written yet, and the write
    // position would then name the segment before, archived already
    String last = query(pg, "SELECT pg_walfile_name(pg_current_wal_insert_lsn())");
    exec(pg, "SELECT pg_switch_wal()");
    awaitArchived(last);

    Path restored = dir.resolve("restored");
    CliTest.Run restore =
        CliTest.cli(
            "restore",
            "--from",
            sink,
            "--data-dir",
            restored.toString(),
            "--target-name",
            "cli_a",
            "--restore-command",
            cli + " wal-get --from " + sink + " %f %p");
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(Files.readString(restored.resolve("postgresql.auto.conf")))
        .contains("recovery_target_name = 'cli_a'")
        .contains("recovery_target_action = 'promote'");

    try (EmbeddedPostgres copy = server(restored, false, "off")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (query(copy, "SELECT pg_is_in_recovery()::text").equals("true")) {
        assertThat(System.nanoTime()).as("promoted within 60 s").isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(query(copy, "SELECT string_agg(DISTINCT tag, ',' ORDER BY tag) FROM t"))
          .isEqualTo("A,base");
    }
  }

  @Test
  void incrementalBackup_isListedWithItsParent_andDeltaRestoreRepairsADirectory() throws Exception {
    String chain = "file:" + dir.resolve("chain");
    String source = dir.resolve("source").toString();
    exec(pg, "CREATE TABLE IF NOT EXISTS inc (id int)");
    CliTest.Run full =
        CliTest.cli("backup", "--postgres", url(pg), "--data-dir", source, "--to", chain);
    assertThat(full.code()).as(full.err()).isZero();
    exec(pg, "INSERT INTO inc SELECT generate_series(1, 1000)");
    CliTest.Run incr =
        CliTest.cli(
            "backup",
            "--postgres",
            url(pg),
            "--data-dir",
            source,
            "--incremental",
            "--jobs",
            "3",
            "--to",
            chain);
    assertThat(incr.code()).as(incr.err()).isZero();
    String fullId = setId(full.out());

    CliTest.Run list = CliTest.cli("list", "--from", chain);

    assertThat(list.out())
        .containsPattern(
            "cluster: incremental of "
                + fullId
                + ", LSN [0-9A-F]+/"
                + "[0-9A-F]+\\.\\.[0-9A-F]+/[0-9A-F]+, WAL [0-9A-F]{24}\\.\\.[0-9A-F]{24}")
        .contains("cluster: full, LSN ");
    Path restored = dir.resolve("restored-delta");
    CliTest.Run first = CliTest.cli("restore", "--from", chain, "--data-dir", restored.toString());
    assertThat(first.code()).as(first.err()).isZero();
    String version = Files.readString(restored.resolve("PG_VERSION"));
    Files.writeString(restored.resolve("PG_VERSION"), "1\n");
    CliTest.Run again = CliTest.cli("restore", "--from", chain, "--data-dir", restored.toString());
    assertThat(again.code()).isNotZero();
    assertThat(again.err())
        .contains(
            "is not empty: give an empty or new directory (or restore"
                + " with delta into an existing data directory)");

    CliTest.Run delta =
        CliTest.cli("restore", "--from", chain, "--data-dir", restored.toString(), "--delta");

    assertThat(delta.code()).as(delta.err()).isZero();
    assertThat(Files.readString(restored.resolve("PG_VERSION"))).isEqualTo(version);
  }

  private static String setId(String out) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("backup set (\\S+) written").matcher(out);
    assertThat(m.find()).as(out).isTrue();
    return m.group(1);
  }

  @Test
  void walGet_absentFile_exitsOneNamingIt() {
    CliTest.Run get =
        CliTest.cli("wal-get", "--from", sink, "00000009.history", dir.resolve("x").toString());

    assertThat(get.code()).isEqualTo(1);
    assertThat(get.err()).contains("WAL file 00000009.history is not in " + sink);
  }

  @Test
  void restore_twoRecoveryTargets_isUsageError() {
    CliTest.Run restore =
        CliTest.cli(
            "restore",
            "--from",
            sink,
            "--data-dir",
            dir.resolve("two").toString(),
            "--target-name",
            "a",
            "--target-lsn",
            "0/1");

    assertThat(restore.code()).isEqualTo(2);
    assertThat(restore.err())
        .contains(
            "give at most one of --target-time, --target-lsn,"
                + " --target-name and --target-immediate");
  }

  private static void awaitArchived(String last) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      String archived = query(pg, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
      if ((archived.compareTo(last) >= 0 && !archived.endsWith(".backup"))
          || archived.startsWith(last)) {
        return;
      }
      assertThat(System.nanoTime()).as("archived %s within 60 s", last).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static EmbeddedPostgres server(Path data, boolean fresh, String archiveMode)
      throws IOException {
    Path sockets = Files.createDirectories(dir.resolve("sockets"));
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(fresh)
        .setServerConfig("unix_socket_directories", sockets.toString())
        .setServerConfig("archive_mode", archiveMode)
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  /** {@code avnology-backup} as a shell script running {@link Main} with this test's class path. */
  private static Path cliScript() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path file = dir.resolve("avnology-backup");
    Files.writeString(
        file,
        "#!/bin/sh\nexec '"
            + java
            + "' -XX:TieredStopAtLevel=1"
            + " -XX:+UseSerialGC -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + Main.class.getName()
            + " \"$@\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static String url(EmbeddedPostgres server) {
    return "jdbc:postgresql://localhost:" + server.getPort() + "/postgres?user=postgres";
  }

  private static void exec(EmbeddedPostgres server, String sql) throws SQLException {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(EmbeddedPostgres server, String sql) throws SQLException {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
