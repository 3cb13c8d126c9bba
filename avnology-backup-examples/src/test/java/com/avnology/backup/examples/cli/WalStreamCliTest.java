package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wal-stream} in its own JVM until SIGTERM (exit 0, partial segment stored), then {@code
 * verify} finding no gap, and naming the segment taken out of the archive (exit 3).
 */
final class WalStreamCliTest {
  @TempDir Path tmp;

  @Test
  void walStream_untilSigterm_thenVerifyNamesAMissingSegment() throws Exception {
    try (EmbeddedPostgres pg = TestPg.start("wal-stream-cli")) {
      String url = TestPg.url(pg, "postgres");
      String sink = "file:" + tmp.resolve("sink");
      Path out = tmp.resolve("out.txt");
      Process p =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-cp",
                  System.getProperty("java.class.path"),
                  Main.class.getName(),
                  "wal-stream",
                  "--postgres",
                  url,
                  "--to",
                  sink,
                  "--create-slot",
                  "--slot",
                  "cli_slot")
              .redirectErrorStream(true)
              .redirectOutput(out.toFile())
              .start();
      try {
        awaitStreaming(pg, out);
        String dataDir = TestPg.query(pg, "postgres", "SHOW data_directory");
        CliTest.Run backup =
            CliTest.cli("backup", "--postgres", url, "--data-dir", dataDir, "--to", sink);
        assertThat(backup.code()).as(backup.err()).isZero();
        for (int i = 0; i < 2; i++) {
          TestPg.exec(
              pg,
              "postgres",
              "SELECT pg_logical_emit_message(false, 't', 'x');" + " SELECT pg_switch_wal()");
        }
        TestPg.exec(pg, "postgres", "SELECT pg_logical_emit_message(false, 't', 'partial')");
        awaitSent(pg);
        new ProcessBuilder("kill", "-TERM", Long.toString(p.pid())).start().waitFor();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(printed).isZero();
        assertThat(printed)
            .contains("streaming WAL to " + sink + " through slot cli_slot")
            .containsPattern(
                "stopped at [0-9A-F]+/[0-9A-F]+ \\(timeline 1\\): \\d+ segments stored,"
                    + " partial [0-9A-F]{24}\\.partial");
      } finally {
        p.destroyForcibly();
      }

      CliTest.Run verify = CliTest.cli("verify", "--from", sink);
      assertThat(verify.code()).as(verify.out() + verify.err()).isZero();
      assertThat(verify.out())
          .containsPattern("ok +WAL [0-9A-F]{24} to [0-9A-F]{24} \\(\\d+" + " segments\\): no gap");

      Path walDir = tmp.resolve("sink/wal/00000001");
      String taken;
      try (var files = Files.list(walDir)) {
        taken =
            files
                .map(f -> f.getFileName().toString())
                .filter(n -> n.matches("[0-9A-F]{24}\\.zst"))
                .sorted()
                .toList()
                .get(2)
                .substring(0, 24);
      }
      Files.delete(walDir.resolve(taken + ".zst"));
      CliTest.Run gap = CliTest.cli("verify", "--from", sink);
      assertThat(gap.code()).isEqualTo(ExitCodes.INTEGRITY);
      assertThat(gap.err()).contains("1 missing (" + taken + ")");
    }
  }

  private static void awaitStreaming(EmbeddedPostgres pg, Path out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!TestPg.query(
            pg,
            "postgres",
            "SELECT count(*) FROM pg_stat_replication"
                + " WHERE application_name = 'avnology_wal' AND state = 'streaming'")
        .equals("1")) {
      assertThat(System.nanoTime())
          .as("streaming within 30 s: %s", Files.readString(out))
          .isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  /**
   * Waits until the walsender has sent everything inserted so far. The insert position, not {@code
   * pg_current_wal_lsn()} (the write position): a non-transactional message may still sit in the
   * WAL buffers until the WAL writer's next round, and the write position then stops at the segment
   * boundary, where no partial segment would be left to store.
   */
  private static void awaitSent(EmbeddedPostgres pg) throws Exception {
    String inserted = TestPg.query(pg, "postgres", "SELECT pg_current_wal_insert_lsn()");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (TestPg.query(
            pg,
            "postgres",
            "SELECT count(*) FROM pg_stat_replication WHERE sent_lsn >= '" + inserted + "'")
        .equals("0")) {
      assertThat(System.nanoTime()).as("WAL sent within 30 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
