package com.avnology.backup.postgres.physical;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.retention.PruneReport;
import com.avnology.backup.retention.Pruner;
import com.avnology.backup.retention.RetentionPolicy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention meets point-in-time recovery on a real server (issue 14): three base backups with
 * archived WAL between them, pruned with {@code keep-days} as if the window started between the
 * second and the third; then a recovery to a moment inside the window still works, from the base
 * backup the pruner kept for it and the WAL it did not expire.
 */
final class PruneThenRecoverTest {
  @TempDir Path dir;

  @Test
  void keepDays_keepsTheBaseAndWalThatReachEveryMomentOfTheWindow() throws Exception {
    Path sinkRoot = dir.resolve("sink");
    FileSystemSink sink = FileSystemSink.of(sinkRoot);
    Path data = dir.resolve("source");
    Path script = walScript();
    List<String> sets = new ArrayList<>();
    Instant windowStart;
    Instant target;
    try (EmbeddedPostgres source = server(data, true, "on")) {
      sql(source, "ALTER SYSTEM SET archive_command = '" + script + " push %p " + sinkRoot + "'",
          "SELECT pg_reload_conf()",
          "CREATE TABLE t (id serial PRIMARY KEY, tag text NOT NULL)");
      sets.add(backup(source, data, sink));
      sql(source, "INSERT INTO t (tag) SELECT 'r0' FROM generate_series(1, 10)");
      sets.add(backup(source, data, sink));
      sql(source, "INSERT INTO t (tag) SELECT 'r1' FROM generate_series(1, 10)");
      windowStart = now(source);
      Thread.sleep(20);
      sql(source, "INSERT INTO t (tag) SELECT 'r2' FROM generate_series(1, 10)");
      target = now(source);
      Thread.sleep(20);
      sql(source, "INSERT INTO t (tag) SELECT 'r3' FROM generate_series(1, 10)");
      sets.add(backup(source, data, sink));
      sql(source, "INSERT INTO t (tag) SELECT 'r4' FROM generate_series(1, 10)");
      archiveEverything(source);
    }
    String walFirstOfKept = BackupCatalog.of(sink).manifest(sets.get(1))
        .target("physical", "cluster").orElseThrow().metadata().get("wal_first");
    List<String> walBefore = wal(sink);
    assertThat(walBefore).anyMatch(w -> w.compareTo(walFirstOfKept) < 0);

    Clock clock = Clock.fixed(windowStart.plus(Duration.ofDays(30)), ZoneOffset.UTC);
    PruneReport report = Pruner.builder(sink, RetentionPolicy.days(30)).clock(clock).build()
        .prune();

    assertThat(report.deleted()).extracting(PruneReport.Decision::setId)
        .containsExactly(sets.get(0));
    assertThat(sink.list()).containsExactlyInAnyOrder(sets.get(1), sets.get(2));
    assertThat(report.kept()).filteredOn(d -> d.setId().equals(sets.get(1))).singleElement()
        .satisfies(d -> assertThat(String.join(" ", d.reasons())).contains("keep-days window"));
    assertThat(report.walKeptFrom()).contains(walFirstOfKept);
    assertThat(wal(sink)).allMatch(w -> w.compareTo(walFirstOfKept) >= 0)
        .containsAll(walBefore.stream().filter(w -> w.compareTo(walFirstOfKept) >= 0).toList());

    // a moment inside the window: the base backup before it is the one kept for the window
    String base = PhysicalSets.newestBefore(sink, "cluster", target).orElseThrow();
    assertThat(base).isEqualTo(sets.get(1));
    Path restored = dir.resolve("restored");
    RestorePlan.from(sink).set(base)
        .target(PhysicalTarget.restoreBuilder(restored)
            .restoreCommand(script + " get %f %p " + sinkRoot)
            .recovery(RecoveryTarget.time(target)).build())
        .build().execute();
    try (EmbeddedPostgres server = server(restored, false, "off")) {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (query(server, "SELECT pg_is_in_recovery()::text").get(0).equals("true")) {
        assertThat(System.nanoTime()).as("promoted within 60 s").isLessThan(deadline);
        Thread.sleep(100);
      }
      assertThat(query(server, "SELECT tag || '=' || count(*) FROM t GROUP BY tag ORDER BY tag"))
          .containsExactly("r0=10", "r1=10", "r2=10");
    }
  }

  private static String backup(EmbeddedPostgres source, Path data, FileSystemSink sink) {
    return Backup.builder().target(PhysicalTarget.builder(source.getPostgresDatabase(), data)
        .build()).sink(sink).compression(Compression.zstd(1)).build().run().setId();
  }

  private static List<String> wal(FileSystemSink sink) {
    return sink.listObjects("wal/").stream().map(k -> k.substring(k.lastIndexOf('/') + 1))
        .filter(n -> n.endsWith(".zst") && n.length() == 24 + 4)
        .map(n -> n.substring(0, 24)).sorted().toList();
  }

  private static Instant now(EmbeddedPostgres server) throws SQLException {
    return Instant.parse(query(server, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')").get(0));
  }

  private static void archiveEverything(EmbeddedPostgres source) throws Exception {
    String last = query(source, "SELECT pg_walfile_name(pg_current_wal_lsn())").get(0);
    sql(source, "SELECT pg_switch_wal()");
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      String archived = query(source, "SELECT coalesce(last_archived_wal, '')"
          + " FROM pg_stat_archiver").get(0);
      if (archived.compareTo(last) >= 0 && !archived.endsWith(".backup")
          || archived.startsWith(last)) {
        return;
      }
      assertThat(System.nanoTime()).as("archived %s within 60 s", last).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private EmbeddedPostgres server(Path data, boolean fresh, String archiveMode)
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

  private Path walScript() throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Path file = dir.resolve("wal.sh");
    Files.writeString(file, "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1"
        + " -XX:+UseSerialGC -Xshare:auto -cp '" + System.getProperty("java.class.path") + "' "
        + WalCommandMain.class.getName() + " \"$@\"\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    return file;
  }

  private static void sql(EmbeddedPostgres server, String... statements) throws SQLException {
    try (Connection c = server.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static List<String> query(EmbeddedPostgres server, String sql) throws SQLException {
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
}
