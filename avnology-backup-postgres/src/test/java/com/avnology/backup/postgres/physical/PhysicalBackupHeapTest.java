package com.avnology.backup.postgres.physical;

import static com.avnology.backup.postgres.physical.PhysicalTesting.query;
import static com.avnology.backup.postgres.physical.PhysicalTesting.sql;
import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.VerifyResult;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's "the backup of a cluster of any size runs with -Xmx128m", with half of that: a full
 * physical backup in a JVM with a 64 MB heap ({@link PhysicalBackupMain}) of a cluster holding a
 * table file of 190 MB (three times that size), which must stream through bounded buffers.
 */
final class PhysicalBackupHeapTest {
  private static final int HEAP_MB = 64;

  @TempDir Path dir;

  @Test
  void fullBackup_ofATableLargerThanTheHeap_runsIn64MegabytesAndVerifies() throws Exception {
    Path data = dir.resolve("source");
    Path sink = dir.resolve("sink");
    String output;
    long tableBytes;
    try (EmbeddedPostgres pg =
        EmbeddedPostgres.builder()
            .setDataDirectory(data)
            .setCleanDataDirectory(true)
            .setServerConfig(
                "unix_socket_directories",
                Files.createDirectories(dir.resolve("sockets")).toString())
            .setServerConfig("fsync", "off")
            .setServerConfig("synchronous_commit", "off")
            .setPGStartupWait(Duration.ofSeconds(60))
            .start()) {
      // md5 text: half the entropy of random bytes, so zstd cannot make the stream small
      sql(
          pg,
          "CREATE TABLE big (id int, v text)",
          "ALTER TABLE big ALTER v SET STORAGE PLAIN",
          "INSERT INTO big SELECT g, md5(g::text) || md5((g * 7)::text) || md5((g * 13)::text)"
              + " || md5((g * 31)::text) FROM generate_series(1, 1200000) g",
          "CHECKPOINT");
      tableBytes = Files.size(data.resolve(query(pg, "SELECT pg_relation_filepath('big')").get(0)));
      assertThat(tableBytes).isGreaterThan((2L * HEAP_MB) << 20);
      output = backupInChild(pg, data, sink);
    }

    Matcher m = Pattern.compile("set=(\\S+) heap=(\\d+)").matcher(output);
    assertThat(m.find()).as(output).isTrue();
    assertThat(Long.parseLong(m.group(2))).isLessThanOrEqualTo((long) HEAP_MB << 20);
    VerifyResult verified = BackupCatalog.of(FileSystemSink.of(sink)).verify(m.group(1));
    assertThat(verified.failures()).isEmpty();
    assertThat(verified.checks()).hasSizeGreaterThan(1);
  }

  private String backupInChild(EmbeddedPostgres pg, Path data, Path sink) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx" + HEAP_MB + "m",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.io.tmpdir=" + dir,
                "-cp",
                System.getProperty("java.class.path"),
                PhysicalBackupMain.class.getName(),
                "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres",
                data.toString(),
                sink.toString()));
    Path out = dir.resolve("child.out");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(3, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("backup child timed out: " + Files.readString(out));
    }
    String output = Files.readString(out);
    assertThat(p.exitValue()).as(output).isZero();
    return output;
  }
}
