package com.avnology.backup.postgres.physical;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rough figures, not a test: {@code -Dtest=PhysicalBackupBench -Dbench.rows=1000000}. A full
 * physical backup against {@code pg_basebackup -Ft -X fetch} (the read floor), a restore, and what
 * a JVM per archived segment costs.
 */
@EnabledIfSystemProperty(named = "bench.rows", matches = "\\d+")
final class PhysicalBackupBench {
  @TempDir Path dir;

  @Test
  void fullBackupRestoreAndWalPush() throws Exception {
    long rows = Long.getLong("bench.rows");
    Path data = dir.resolve("data");
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setServerConfig(
                    "unix_socket_directories", Files.createDirectories(dir.resolve("s")).toString())
                .start();
        Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t AS SELECT g AS id, md5(g::text) AS a, repeat('x', 100) AS b,"
              + " now() AS at FROM generate_series(1, "
              + rows
              + ") g");
      s.execute("CHECKPOINT");
      System.out.printf("data directory: %d MB%n", size(data) >> 20);
      for (String level : new String[] {"zstd:1", "zstd:3"}) {
        Path sink = dir.resolve("sink-" + level.replace(':', '-'));
        long t0 = System.nanoTime();
        BackupResult r =
            Backup.builder()
                .target(PhysicalTarget.builder(pg.getPostgresDatabase(), data).build())
                .sink(FileSystemSink.of(sink))
                .compression(Compression.parse(level))
                .build()
                .run();
        System.out.printf("physical backup %s: %d ms, %d MB%n", level, ms(t0), r.size() >> 20);
        if (level.equals("zstd:1")) {
          long t1 = System.nanoTime();
          RestorePlan.builder(FileSystemSink.of(sink))
              .set(r.setId())
              .target(PhysicalTarget.builder(dir.resolve("restored")).build())
              .build()
              .execute();
          System.out.printf("physical restore %s: %d ms%n", level, ms(t1));
        }
      }
      long t2 = System.nanoTime();
      Process p =
          new ProcessBuilder(
                  "pg_basebackup",
                  "-h",
                  "localhost",
                  "-p",
                  Integer.toString(pg.getPort()),
                  "-U",
                  "postgres",
                  "-D",
                  dir.resolve("pgbb").toString(),
                  "-Ft",
                  "-X",
                  "fetch",
                  "-c",
                  "fast")
              .inheritIO()
              .start();
      int code = p.waitFor();
      System.out.printf(
          "pg_basebackup -Ft -X fetch (exit %d): %d ms, %d MB%n",
          code, ms(t2), code == 0 ? size(dir.resolve("pgbb")) >> 20 : -1);
      Path seg;
      try (var wal = Files.list(data.resolve("pg_wal"))) {
        seg =
            wal.filter(f -> f.getFileName().toString().matches("[0-9A-F]{24}"))
                .findFirst()
                .orElseThrow();
      }
      Path script = dir.resolve("wal.sh");
      Files.writeString(
          script,
          "#!/bin/sh\nexec '"
              + ProcessHandle.current().info().command().orElseThrow()
              + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp '"
              + System.getProperty("java.class.path")
              + "' "
              + WalCommandMain.class.getName()
              + " \"$@\"\n");
      script.toFile().setExecutable(true);
      long t3 = System.nanoTime();
      for (int i = 0; i < 5; i++) {
        new ProcessBuilder(
                script.toString(), "push", seg.toString(), dir.resolve("wal-" + i).toString())
            .inheritIO()
            .start()
            .waitFor();
      }
      System.out.printf("wal-push in a new JVM: %d ms per 16 MB segment%n", ms(t3) / 5);
    }
  }

  private static long ms(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static long size(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
    }
  }
}
