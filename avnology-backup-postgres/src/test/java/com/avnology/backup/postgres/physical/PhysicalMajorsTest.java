package com.avnology.backup.postgres.physical;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.MajorServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The oldest and newest majors (15 and 17 run {@link PhysicalRecoveryTest} and 15 {@link
 * PhysicalChainTest}): 13 has the old {@code pg_start_backup}/{@code pg_stop_backup} names. A full
 * and an incremental on it, the incremental restored on its own (its WAL in the set).
 */
final class PhysicalMajorsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {13, 18})
  void fullThenIncremental_restoredFromWalInTheSet(int major) throws Exception {
    Assumptions.assumeTrue(MajorServers.available().contains(major), "no binaries for " + major);
    Path data = dir.resolve("data");
    Path sink = dir.resolve("sink");
    String full;
    String incr;
    try (EmbeddedPostgres pg = server(major, data, true)) {
      exec(pg, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 5000) g");
      exec(pg, "CHECKPOINT");
      Thread.sleep(1100); // the unchanged files' times settle before the full starts
      full = backup(pg, data, sink, false);
      exec(pg, "INSERT INTO t SELECT g FROM generate_series(1, 100) g");
      exec(pg, "CHECKPOINT");
      incr = backup(pg, data, sink, true);
      exec(pg, "INSERT INTO t SELECT 0");
    }
    Map<String, String> meta =
        BackupCatalog.of(FileSystemSink.of(sink))
            .manifest(incr)
            .target("physical", "cluster")
            .orElseThrow()
            .metadata();
    assertThat(meta).containsEntry("backup_type", "incremental").containsEntry("parent", full);
    assertThat(Long.parseLong(meta.get("files_referenced"))).isPositive();
    Path restored = dir.resolve("restored");
    RestorePlan.builder(FileSystemSink.of(sink))
        .latest()
        .target(PhysicalTarget.builder(restored).build())
        .build()
        .execute();

    try (EmbeddedPostgres copy = server(major, restored, false)) {
      assertThat(count(copy)).isEqualTo(5100);
    }
  }

  private static String backup(EmbeddedPostgres pg, Path data, Path sink, boolean incremental) {
    PhysicalTarget.Builder target = PhysicalTarget.builder(pg.getPostgresDatabase(), data);
    if (incremental) {
      target.incremental();
    }
    return Backup.builder()
        .target(target.build())
        .sink(FileSystemSink.of(sink))
        .build()
        .run()
        .setId();
  }

  private static EmbeddedPostgres server(int major, Path data, boolean fresh) throws IOException {
    Path sockets = Files.createDirectories(data.resolveSibling("sockets"));
    return EmbeddedPostgres.builder()
        .setPgBinaryResolver(MajorServers.binaries(major))
        .setDataDirectory(data)
        .setCleanDataDirectory(fresh)
        .setServerConfig("unix_socket_directories", sockets.toString())
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  private static void exec(EmbeddedPostgres pg, String sql) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(EmbeddedPostgres pg) throws Exception {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
