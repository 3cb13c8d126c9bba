package com.avnology.backup.postgres.physical;

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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** What the physical backup tests do with their servers besides backing them up. */
final class PhysicalTesting {
  private PhysicalTesting() {}

  /** Runs statements on the server's postgres database, each on its own (autocommit). */
  static void sql(EmbeddedPostgres server, String... statements) throws SQLException {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  /** Returns the first column of every row. */
  static List<String> query(EmbeddedPostgres server, String sql) throws SQLException {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) {
        rows.add(rs.getString(1));
      }
      return rows;
    }
  }

  /** Returns the server's clock, to the microsecond. */
  static Instant now(EmbeddedPostgres server) throws SQLException {
    return Instant.parse(
        query(
                server,
                "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                    + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
            .get(0));
  }

  /** Waits until a restored server has replayed to its target and promoted. */
  static void awaitPromotion(EmbeddedPostgres server) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (query(server, "SELECT pg_is_in_recovery()::text").get(0).equals("true")) {
      assertThat(System.nanoTime()).as("promoted within 60 s").isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /** Switches to a new WAL segment and waits until archive_command has stored the old one. */
  static void archiveEverything(EmbeddedPostgres source) throws Exception {
    // the insert position: the asynchronous commits may not be written yet, and the write
    // position would then name the segment before, archived already
    String last = query(source, "SELECT pg_walfile_name(pg_current_wal_insert_lsn())").get(0);
    sql(source, "SELECT pg_switch_wal()");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<String> row =
          query(
              source,
              "SELECT coalesce(last_archived_wal, '') || ' '"
                  + " || coalesce(last_failed_wal, '-') FROM pg_stat_archiver");
      String archived = row.get(0).split(" ")[0];
      if ((archived.compareTo(last) >= 0 && !archived.endsWith(".backup"))
          || archived.startsWith(last)) {
        return;
      }
      assertThat(System.nanoTime())
          .as("archived %s within 60 s: %s", last, row)
          .isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  /**
   * Returns a shell script in {@code dir} running {@link WalCommandMain} in a new JVM with this
   * test's class path, as archive_command and restore_command would run the CLI.
   */
  static Path walScript(Path dir) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path file = dir.resolve("wal.sh");
    Files.writeString(
        file,
        "#!/bin/sh\nexec '"
            + java
            + "' -XX:TieredStopAtLevel=1"
            + " -XX:+UseSerialGC -Xshare:auto -cp '"
            + System.getProperty("java.class.path")
            + "' "
            + WalCommandMain.class.getName()
            + " \"$@\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }
}
