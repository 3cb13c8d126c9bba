package com.avnology.backup.postgres.physical;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
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
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The oldest and newest majors (15 and 17 run {@link PhysicalRecoveryTest}): 13 has the old {@code
 * pg_start_backup}/{@code pg_stop_backup} names. A base backup restored on its own.
 */
final class PhysicalMajorsTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {13, 18})
  void backupThenRestore_fromWalInTheSet(int major) throws Exception {
    Assumptions.assumeTrue(MajorServers.available().contains(major), "no binaries for " + major);
    Path data = dir.resolve("data");
    Path sink = dir.resolve("sink");
    try (EmbeddedPostgres pg = server(major, data, true)) {
      exec(pg, "CREATE TABLE t AS SELECT g AS id FROM generate_series(1, 5000) g");
      Backup.builder()
          .target(PhysicalTarget.builder(pg.getPostgresDatabase(), data).build())
          .sink(FileSystemSink.of(sink))
          .build()
          .run();
      exec(pg, "INSERT INTO t SELECT 0");
    }
    Path restored = dir.resolve("restored");
    RestorePlan.from(FileSystemSink.of(sink))
        .latest()
        .target(PhysicalTarget.restoreBuilder(restored).build())
        .build()
        .execute();

    try (EmbeddedPostgres copy = server(major, restored, false)) {
      assertThat(count(copy)).isEqualTo(5000);
    }
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
