package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.testing.TreeSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class VolumeRoundTripTest {
  @TempDir Path tmp;

  @Test
  void roundTrip_fullTreeWith100MbFile_restoresIdenticalTree() throws IOException {
    Path source = tmp.resolve("source");
    buildTree(source, 100L << 20);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    BackupResult result =
        Backup.builder().target(VolumeTarget.of("certs", source)).sink(sink).build().run();
    Path restored = tmp.resolve("restored");
    RestoreResult r =
        RestorePlan.builder(sink).latest().volume("certs", restored).build().execute();

    assertThat(r.setId()).isEqualTo(result.setId());
    assertThat(TreeSnapshot.of(restored)).isEqualTo(TreeSnapshot.of(source));
    assertThat(result.targets().get(0).artifacts())
        .singleElement()
        .satisfies(a -> assertThat(a.path()).isEqualTo("volume/certs.tar.zst"));
    assertThat(result.targets().get(0).entries()).isEqualTo(TreeSnapshot.of(source).size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "gzip:1", "gzip:9", "zstd:1", "zstd:19"})
  void roundTrip_eachCompression_restoresIdenticalTree(String compression) throws IOException {
    Path source = tmp.resolve("source");
    buildTree(source, 3 << 20);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Compression c = Compression.parse(compression);

    BackupResult result =
        Backup.builder()
            .target(VolumeTarget.of("v", source))
            .sink(sink)
            .compression(c)
            .build()
            .run();
    Path restored = tmp.resolve("restored");
    RestorePlan.builder(sink).set(result.setId()).volume("v", restored).build().execute();

    assertThat(TreeSnapshot.of(restored)).isEqualTo(TreeSnapshot.of(source));
    assertThat(result.targets().get(0).artifacts().get(0).path())
        .isEqualTo("volume/v.tar" + c.suffix());
  }

  @Test
  void roundTrip_zstdWorkers_restoresIdenticalTree() throws IOException {
    Path source = tmp.resolve("source");
    buildTree(source, 8 << 20);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    Backup.builder()
        .target(VolumeTarget.of("v", source))
        .sink(sink)
        .compression(Compression.builder(Compression.Algorithm.ZSTD).level(3).workers(2).build())
        .build()
        .run();
    Path restored = tmp.resolve("restored");
    RestorePlan.builder(sink).latest().volume("v", restored).build().execute();

    assertThat(TreeSnapshot.of(restored)).isEqualTo(TreeSnapshot.of(source));
  }

  @Test
  void restore_intoNonEmptyDirectory_refusesWithoutOverwrite() throws IOException {
    Path source = tmp.resolve("source");
    buildTree(source, 1024);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder().target(VolumeTarget.of("v", source)).sink(sink).build().run();
    Path restored = Files.createDirectories(tmp.resolve("restored"));
    Files.writeString(restored.resolve("keep.txt"), "mine");

    var plan = RestorePlan.builder(sink).latest().volume("v", restored).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(plan::execute)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(
            "is not empty (1 entries): restore into an empty directory," + " or allow overwrite");
    try (var listed = Files.list(restored)) {
      assertThat(listed.toList()).containsExactly(restored.resolve("keep.txt"));
    }

    RestorePlan.builder(sink)
        .latest()
        .target(VolumeTarget.builder("v", restored).overwrite(true).build())
        .build()
        .execute();
    assertThat(Files.readString(restored.resolve("keep.txt"))).isEqualTo("mine");
    assertThat(Files.readString(restored.resolve("a/b/c/deep.txt"))).isEqualTo("deep\n");
  }

  @Test
  void backup_missingDirectory_failsAndPublishesNothing() {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup =
        Backup.builder().target(VolumeTarget.of("v", tmp.resolve("absent"))).sink(sink).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("does not exist or is not a directory");
    assertThat(sink.list()).isEmpty();
  }

  @Test
  void backup_fifoInTheVolume_failsNamingIt_andPublishesNothing() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    Files.writeString(source.resolve("cert.pem"), "cert");
    run(source, "mkfifo", "pipe");

    assertBackupFails(source, source.resolve("pipe") + " is a FIFO, socket or device file");
  }

  @Test
  void backup_nameTheJvmCannotDecode_failsNamingIt_insteadOfStoringAnotherName() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    Files.writeString(source.resolve("cert.pem"), "cert");
    // a byte that is no UTF-8 (nor ASCII): the JVM lists it as a replacement character
    run(source, "sh", "-c", "printf x > \"$(printf 'bad\\377name')\"");

    assertBackupFails(source, "is not valid in the file-name encoding of this JVM");
  }

  @Test
  void backup_symbolicLinkTargetsAsTheyAre_areKept() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    Files.createDirectories(source.resolve("a/b"));
    // targets the JVM would tidy if asked to parse them: stored as they are, not refused
    Files.createSymbolicLink(source.resolve("slash"), Path.of("a/b/"));
    Files.createSymbolicLink(source.resolve("double"), Path.of("a//b"));
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    Backup.builder().target(VolumeTarget.of("v", source)).sink(sink).build().run();
    Path restored = tmp.resolve("restored");
    RestorePlan.builder(sink).latest().volume("v", restored).build().execute();

    assertThat(Files.isDirectory(restored.resolve("slash"))).isTrue();
    assertThat(Files.isDirectory(restored.resolve("double"))).isTrue();
    assertThat(Files.isSymbolicLink(restored.resolve("slash"))).isTrue();
  }

  @Test
  void backup_fileGrowingWhileRead_failsInsteadOfStoringItCutShort() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    Path log = source.resolve("app.log");
    try (OutputStream out = Files.newOutputStream(log)) {
      byte[] line =
          "a log line that goes on and on\n".repeat(1000).getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 1000; i++) {
        out.write(line); // 31 MB: reading it takes a while
      }
    }
    java.util.concurrent.atomic.AtomicBoolean stop =
        new java.util.concurrent.atomic.AtomicBoolean();
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream out =
                  Files.newOutputStream(log, java.nio.file.StandardOpenOption.APPEND)) {
                while (!stop.get()) {
                  out.write('x');
                  out.flush();
                  Thread.sleep(1);
                }
              } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
              }
            });
    writer.start();
    try {
      assertBackupFails(source, log + " changed while it was being backed up");
    } finally {
      stop.set(true);
      writer.join();
    }
  }

  private void assertBackupFails(Path source, String message) {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup = Backup.builder().target(VolumeTarget.of("v", source)).sink(sink).build();

    org.assertj.core.api.Assertions.assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(message);
    assertThat(sink.list()).isEmpty();
  }

  private static void run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
    assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
  }

  /** Nested folders, empty file and directory, unicode names, odd modes, symlinks, a big file. */
  static void buildTree(Path root, long bigSize) throws IOException {
    Files.createDirectories(root.resolve("a/b/c"));
    Files.createDirectories(root.resolve("empty-dir"));
    Files.writeString(root.resolve("a/b/c/deep.txt"), "deep\n");
    Files.createFile(root.resolve("empty.txt"));
    Files.writeString(root.resolve("a/ünïcødé-名前-😀.pem"), "unicode", StandardCharsets.UTF_8);
    Path script = Files.writeString(root.resolve("a/run.sh"), "#!/bin/sh\necho hi\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
    Path secret = Files.writeString(root.resolve("a/b/key.pem"), "-----BEGIN KEY-----\n");
    Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    Path longName = root.resolve("a/" + "n".repeat(120) + "/" + "m".repeat(120) + ".txt");
    Files.createDirectories(longName.getParent());
    Files.writeString(longName, "long path");
    Files.createSymbolicLink(root.resolve("live.pem"), Path.of("a/b/key.pem"));
    Files.createSymbolicLink(root.resolve("a/up"), Path.of("../empty-dir"));
    Path big = root.resolve("a/big.bin");
    try (OutputStream out = Files.newOutputStream(big)) {
      Random random = new Random(42);
      byte[] block = new byte[1 << 16];
      for (long left = bigSize; left > 0; left -= block.length) {
        random.nextBytes(block);
        // half random, half text: realistic compression work
        java.util.Arrays.fill(block, 0, block.length / 2, (byte) 'x');
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
    Path readOnlyDir = Files.createDirectories(root.resolve("ro"));
    Files.writeString(readOnlyDir.resolve("inside.txt"), "in a read-only dir");
    // tar (pax) times here keep 100 ns: commons-compress works in 100 ns units
    Instant t = Instant.parse("2021-03-04T05:06:07.1234567Z");
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!Files.isSymbolicLink(p)) {
          Files.setLastModifiedTime(p, FileTime.from(t));
          t = t.plusSeconds(3601).plusNanos(1000);
        }
      }
    }
    Files.setPosixFilePermissions(readOnlyDir, PosixFilePermissions.fromString("r-xr-xr-x"));
  }
}
