package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class FailureTest {
  @TempDir Path tmp;

  /** Writes 3 MiB of an artifact, then fails, as a database connection dropping would. */
  static final class ExplodingTarget implements BackupTarget {
    @Override
    public String kind() {
      return "test";
    }

    @Override
    public String name() {
      return "boom";
    }

    @Override
    public void backup(BackupContext context) {
      try (OutputStream out = context.artifact("boom.bin", Compression.Algorithm.NONE)) {
        out.write(new byte[3 << 20]);
        throw new IllegalStateException("connection reset mid-stream");
      } catch (IOException e) {
        throw new StorageException("unexpected", e);
      }
    }

    @Override
    public void restore(RestoreContext context) {
      throw new UnsupportedOperationException();
    }
  }

  @Test
  void backup_targetThrowsMidStream_leavesNoSetAndNoTemporaryFiles() throws IOException {
    Path volume = Files.createDirectories(tmp.resolve("v"));
    Files.writeString(volume.resolve("x.txt"), "x");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup =
        Backup.builder()
            .target(VolumeTarget.of("first", volume))
            .target(new ExplodingTarget())
            .sink(sink)
            .build();

    assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("backup of test/boom failed")
        .hasMessageContaining("was not published")
        .hasMessageContaining("connection reset mid-stream");
    assertThat(sink.list()).isEmpty();
    try (Stream<Path> left = Files.walk(tmp.resolve("sink"))) {
      assertThat(left.filter(p -> !Files.isDirectory(p))).isEmpty();
    }
    try (Stream<Path> sets = Files.list(tmp.resolve("sink/sets"))) {
      assertThat(sets).isEmpty();
    }

    // and the next backup succeeds
    BackupResult ok =
        Backup.builder().target(VolumeTarget.of("first", volume)).sink(sink).build().run();
    assertThat(sink.list()).containsExactly(ok.setId());
  }

  @Test
  void builder_missingOrConflictingOptions_failClearly() {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    VolumeTarget v = VolumeTarget.of("v", tmp);

    assertThatThrownBy(() -> Backup.builder().target(v).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no sink: call sink(...) before build()");
    assertThatThrownBy(() -> Backup.builder().sink(sink).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no target: call target(...) at least once before build()");
    assertThatThrownBy(
            () -> Backup.builder().sink(sink).target(v).target(VolumeTarget.of("v", tmp)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("two targets are named volume/v: give each a distinct name");
    // the same mistake, the same exception, in a restore plan
    assertThatThrownBy(() -> RestorePlan.builder(sink).latest().target(v).volume("v", tmp))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("two targets are named volume/v: give each a distinct name");
    assertThatThrownBy(() -> RestorePlan.builder(sink).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no target to restore: call target(...) or volume(...) before build()");
    assertThatThrownBy(() -> RestorePlan.builder(sink).set("../../etc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a backup set id: '../../etc'");
    assertThatThrownBy(() -> VolumeTarget.of("Bad Name", tmp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("volume name must be 1 to 63 characters")
        .hasMessageContaining("'Bad Name'");
    assertThatThrownBy(() -> FileSystemSink.of(Files.createFile(tmp.resolve("f"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backup sink root is not a directory");
  }

  @Test
  void compression_badValues_failClearly() {
    assertThatThrownBy(() -> Compression.gzip(0))
        .hasMessage("gzip level must be between 1 and 9: 0");
    assertThatThrownBy(() -> Compression.zstd(23))
        .hasMessage("zstd level must be between 1 and 22: 23");
    assertThatThrownBy(() -> Compression.gzip(5).toBuilder().workers(2))
        .hasMessage("workers apply to zstd only, not to gzip:5");
    assertThatThrownBy(() -> Compression.builder(Compression.Algorithm.ZSTD).workers(-1))
        .hasMessage("zstd workers must be between 0 and 64: -1");
    assertThatThrownBy(() -> Compression.builder(Compression.Algorithm.ZSTD).level(23))
        .hasMessage("zstd level must be between 1 and 22: 23");
    assertThatThrownBy(() -> Compression.builder(Compression.Algorithm.NONE).level(1))
        .hasMessage("compression none takes no level: 1; use gzip or zstd for a level");
    assertThatThrownBy(() -> Compression.parse("brotli"))
        .hasMessage("unknown compression 'brotli': use none, gzip[:1-9] or zstd[:1-22]");
    assertThat(Compression.parse("zstd:7")).isEqualTo(Compression.zstd(7));
    assertThat(Compression.parse("gzip")).isEqualTo(Compression.gzip(6));
    assertThat(Compression.parse("none")).isEqualTo(Compression.none());
  }

  @Test
  void compression_builder_defaultsAndShorthandsAgree() {
    assertThat(Compression.builder(Compression.Algorithm.GZIP).build())
        .isEqualTo(Compression.gzip(6));
    assertThat(Compression.builder(Compression.Algorithm.ZSTD).build())
        .isEqualTo(Compression.zstd(3));
    assertThat(Compression.builder(Compression.Algorithm.NONE).build())
        .isSameAs(Compression.none());
    Compression threaded =
        Compression.builder(Compression.Algorithm.ZSTD).level(7).workers(2).build();
    assertThat(threaded).hasToString("zstd:7 (2 workers)").isNotEqualTo(Compression.zstd(7));
    assertThat(threaded.toBuilder().workers(0).build()).isEqualTo(Compression.zstd(7));
    assertThat(threaded.toBuilder().build()).isEqualTo(threaded);
  }
}
