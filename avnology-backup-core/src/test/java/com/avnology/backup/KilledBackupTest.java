package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.testing.TreeSnapshot;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The backing-up JVM is killed with SIGKILL mid-backup: no set is listed, and the next backup
 * succeeds and removes the dead run's directory at once (its lock died with it). The child takes
 * its key from the environment ({@link KeySource#env(String)}).
 */
final class KilledBackupTest {
  static final String VAR = "AVN_TEST_BACKUP_KEY";
  @TempDir Path tmp;

  /** Child JVM: back up {@code args[0]} into {@code args[1]}, encrypted with the key in VAR. */
  public static void main(String[] args) {
    Backup.builder()
        .target(VolumeTarget.of("big", Path.of(args[0])))
        .sink(FileSystemSink.of(Path.of(args[1])))
        .compression(Compression.parse("none")) // stored bytes grow at once, so the kill is mid-way
        .encryption(Encryption.aes256Gcm(KeySource.env(VAR)))
        .build()
        .run();
    System.out.println("published");
  }

  private Process child(Path source, Path sink, Path log) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx128m",
                    "-Djava.io.tmpdir=" + tmp,
                    "-cp",
                    System.getProperty("java.class.path"),
                    KilledBackupTest.class.getName(),
                    source.toString(),
                    sink.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put(VAR, Base64.getEncoder().encodeToString(EncryptionTest.KEY));
    return pb.start();
  }

  @Test
  void sigkillMidBackup_noSetListed_nextBackupRemovesTheDeadSetAtOnce() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    try (RandomAccessFile f = new RandomAccessFile(source.resolve("disk.img").toFile(), "rw")) {
      f.setLength(4L << 30); // sparse: cheap on disk, but every byte is read and encrypted
    }
    Path sinkDir = tmp.resolve("sink");
    Process child = child(source, sinkDir, tmp.resolve("child.log"));
    Path partial = awaitPartialBytes(sinkDir, child);
    child.destroyForcibly();
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(Files.readString(tmp.resolve("child.log"))).isNotZero();

    FileSystemSink sink = FileSystemSink.of(sinkDir);
    String deadId = sinkDir.relativize(partial).getName(1).toString();
    assertThat(sink.list()).as("the killed run's set is not listed").isEmpty();
    assertThat(sinkDir.resolve("sets/" + deadId)).isDirectory();

    // A backup right after: the dead run's lock died with it, so its set goes at once
    Path small = Files.createDirectories(tmp.resolve("small"));
    Files.writeString(small.resolve("a.txt"), "after the crash");
    for (Path p : new Path[] {small.resolve("a.txt"), small}) {
      Files.setLastModifiedTime(
          p, java.nio.file.attribute.FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
    }
    Encryption enc = Encryption.aes256Gcm(KeySource.raw(EncryptionTest.KEY));
    String first =
        Backup.builder()
            .target(VolumeTarget.of("small", small))
            .sink(sink)
            .encryption(enc)
            .build()
            .run()
            .setId();
    assertThat(sink.list()).containsExactly(first);
    assertThat(sinkDir.resolve("sets/" + deadId)).doesNotExist();
    try (Stream<Path> s = Files.list(sinkDir.resolve("sets"))) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly(first);
    }
    try (Stream<Path> s = Files.list(sinkDir.resolve("sets/" + first))) {
      assertThat(s.map(p -> p.getFileName().toString()))
          .as("no lock file left in a published set")
          .doesNotContain(".lock", ".lock.new");
    }
    FileSystemSink next = sink;
    Path out = tmp.resolve("out");
    RestorePlan.builder(next).latest().encryption(enc).volume("small", out).build().execute();
    assertThat(TreeSnapshot.of(out)).isEqualTo(TreeSnapshot.of(small));
  }

  @Test
  void childWithEnvKey_completes_andOpensWithTheSameRawKey() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    Files.writeString(source.resolve("f.txt"), "from the environment");
    for (Path p : new Path[] {source.resolve("f.txt"), source}) {
      Files.setLastModifiedTime(
          p, java.nio.file.attribute.FileTime.from(Instant.parse("2024-01-02T03:04:05Z")));
    }
    Path sinkDir = tmp.resolve("sink");
    Process child = child(source, sinkDir, tmp.resolve("child.log"));
    assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
    assertThat(child.exitValue()).as(Files.readString(tmp.resolve("child.log"))).isZero();

    FileSystemSink sink = FileSystemSink.of(sinkDir);
    Path out = tmp.resolve("out");
    RestorePlan.builder(sink)
        .latest()
        .encryption(Encryption.aes256Gcm(KeySource.raw(EncryptionTest.KEY)))
        .volume("big", out)
        .build()
        .execute();
    assertThat(TreeSnapshot.of(out)).isEqualTo(TreeSnapshot.of(source));
  }

  @Test
  void staleAge_negative_isRefused() {
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> FileSystemSink.builder(tmp).staleAfter(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("stale age cannot be negative: PT-1S");
  }

  /** Waits until the child has stored over 8 MiB of the artifact, then returns its file. */
  private static Path awaitPartialBytes(Path sinkDir, Process child) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (System.nanoTime() < deadline) {
      assertThat(child.isAlive()).as("child still running").isTrue();
      if (Files.isDirectory(sinkDir.resolve("sets"))) {
        try (Stream<Path> s = Files.walk(sinkDir.resolve("sets"))) {
          Path found =
              s.filter(Files::isRegularFile)
                  .filter(p -> p.toFile().length() > (8 << 20))
                  .findFirst()
                  .orElse(null);
          if (found != null) {
            return found;
          }
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the child never wrote 8 MiB");
  }
}
