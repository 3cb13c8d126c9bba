package com.avnology.backup;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backs up a 2 GiB tree in a separate JVM limited to {@code -Xmx64m}: the data path must stream.
 * The big files are sparse, so the test costs little disk, but every byte is read, tarred,
 * compressed and hashed.
 */
final class BoundedMemoryTest {
  @TempDir Path tmp;

  /** Entry point of the forked JVM: back up {@code args[0]} into {@code args[1]}, then verify. */
  public static void main(String[] args) {
    FileSystemSink sink = FileSystemSink.of(Path.of(args[1]));
    BackupResult result =
        Backup.builder()
            .target(VolumeTarget.of("big", Path.of(args[0])))
            .sink(sink)
            .compression(Compression.zstd(1))
            .build()
            .run();
    if (!BackupCatalog.of(sink).verify(result.setId()).ok()) {
      System.exit(3);
    }
    System.out.println("max heap " + Runtime.getRuntime().maxMemory());
  }

  @Test
  void backup_2GiBTree_succeedsUnderXmx64m() throws Exception {
    Path source = Files.createDirectories(tmp.resolve("source"));
    for (int i = 0; i < 2; i++) {
      try (RandomAccessFile f =
          new RandomAccessFile(source.resolve("disk" + i + ".img").toFile(), "rw")) {
        f.setLength(1L << 30);
        f.seek((1L << 30) - 5);
        f.write("tail!".getBytes(UTF_8));
      }
    }
    for (int i = 0; i < 500; i++) {
      Files.writeString(source.resolve("small-" + i + ".txt"), "small file " + i);
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = tmp.resolve("child.log");
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx64m",
                    "-Djava.io.tmpdir=" + tmp,
                    "-cp",
                    System.getProperty("java.class.path"),
                    BoundedMemoryTest.class.getName(),
                    source.toString(),
                    tmp.resolve("sink").toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();

    assertThat(child.waitFor(5, TimeUnit.MINUTES)).as("child finished").isTrue();
    assertThat(child.exitValue()).as(Files.readString(log)).isZero();
    assertThat(Files.readString(log)).contains("max heap");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Manifest manifest = BackupCatalog.of(sink).manifest(sink.list().get(0));
    assertThat(manifest.targets().get(0).metadata()).containsEntry("entries", "502");
  }
}
