package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class IntegrityTest {
  @TempDir Path tmp;
  FileSystemSink sink;
  BackupResult result;

  @BeforeEach
  void backUpTwoVolumes() throws IOException {
    Path a = Files.createDirectories(tmp.resolve("a"));
    Path b = Files.createDirectories(tmp.resolve("b"));
    for (int i = 0; i < 50; i++) {
      Files.writeString(a.resolve("file" + i + ".txt"), ("alpha " + i + "\n").repeat(1000));
      Files.writeString(b.resolve("file" + i + ".txt"), ("bravo " + i + "\n").repeat(1000));
    }
    sink = FileSystemSink.of(tmp.resolve("sink"));
    result =
        Backup.builder()
            .target(VolumeTarget.of("alpha", a))
            .target(VolumeTarget.of("bravo", b))
            .sink(sink)
            .compression(Compression.gzip(6))
            .build()
            .run();
  }

  @Test
  void verify_intactSet_reportsEveryArtifactOk() {
    VerifyResult verify = BackupCatalog.of(sink).verify(result.setId());

    assertThat(verify.ok()).isTrue();
    assertThat(verify.checks())
        .extracting(c -> c.artifact().path())
        .containsExactly("volume/alpha.tar.gz", "volume/bravo.tar.gz");
  }

  @Test
  void verify_flippedByte_namesTheArtifact() throws IOException {
    flipByte(artifact("volume/bravo.tar.gz"), 100);

    VerifyResult verify = BackupCatalog.of(sink).verify(result.setId());

    assertThat(verify.ok()).isFalse();
    assertThat(verify.failures())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.artifact().path()).isEqualTo("volume/bravo.tar.gz");
              assertThat(c.problem()).contains("(corrupted)");
            });
  }

  @Test
  void verify_truncation_namesTheArtifact() throws IOException {
    Path file = artifact("volume/alpha.tar.gz");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() - 10);
    }

    VerifyResult verify = BackupCatalog.of(sink).verify(result.setId());

    assertThat(verify.failures())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.artifact().path()).isEqualTo("volume/alpha.tar.gz");
              assertThat(c.problem()).contains("(truncated)");
            });
  }

  @Test
  void verify_missingArtifact_namesIt() throws IOException {
    Files.delete(artifact("volume/alpha.tar.gz"));

    assertThat(BackupCatalog.of(sink).verify(result.setId()).failures())
        .singleElement()
        .satisfies(c -> assertThat(c.problem()).isEqualTo("is missing"));
  }

  @Test
  void restore_flippedByteInLaterTarget_failsBeforeWritingAnything() throws IOException {
    flipByte(artifact("volume/bravo.tar.gz"), 2000);
    Path outA = tmp.resolve("out-a");
    Path outB = tmp.resolve("out-b");
    var plan =
        RestorePlan.builder(sink)
            .set(result.setId())
            .volume("alpha", outA)
            .volume("bravo", outB)
            .build();

    assertThatThrownBy(plan::execute)
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("volume/bravo.tar.gz")
        .hasMessageContaining("nothing was restored");
    assertThat(outA).doesNotExist();
    assertThat(outB).doesNotExist();
  }

  @Test
  void restore_truncatedArtifact_failsBeforeWritingAnything() throws IOException {
    Path file = artifact("volume/alpha.tar.gz");
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      raf.setLength(raf.length() / 2);
    }
    Path out = tmp.resolve("out");

    assertThatThrownBy(
            () -> RestorePlan.builder(sink).latest().volume("alpha", out).build().execute())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("volume/alpha.tar.gz is ");
    assertThat(out).doesNotExist();
  }

  @Test
  void list_setWithoutManifest_isInvisible() throws IOException {
    Files.delete(tmp.resolve("sink/sets/" + result.setId() + "/manifest.json"));

    assertThat(sink.list()).isEmpty();
    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .volume("alpha", tmp.resolve("o"))
                    .build()
                    .execute())
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no backup set in file:");
  }

  @Test
  void manifest_tampered_isRejectedClearly() throws IOException {
    Path manifest = tmp.resolve("sink/sets/" + result.setId() + "/manifest.json");
    Files.writeString(manifest, "{\"formatVersion\": 99}");

    assertThatThrownBy(() -> BackupCatalog.of(sink).manifest(result.setId()))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("format version 99")
        .hasMessageContaining("upgrade avnology-backup");
    Files.writeString(manifest, "{not json");
    assertThatThrownBy(() -> BackupCatalog.of(sink).manifest(result.setId()))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("is malformed");
  }

  @Test
  void restore_unknownTarget_namesWhatTheSetHolds() {
    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .volume("charlie", tmp.resolve("o"))
                    .build()
                    .execute())
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("holds no volume/charlie; it holds [volume/alpha, volume/bravo]");
  }

  @Test
  void catalog_listAndDelete_newestFirst() {
    BackupResult second =
        Backup.builder()
            .target(VolumeTarget.of("alpha", tmp.resolve("a")))
            .sink(sink)
            .build()
            .run();

    assertThat(BackupCatalog.of(sink).ids()).containsExactly(second.setId(), result.setId());
    BackupCatalog.of(sink).delete(second.setId());
    assertThat(BackupCatalog.of(sink).list())
        .extracting(Manifest::id)
        .containsExactly(result.setId());
    assertThat(tmp.resolve("sink/sets/" + second.setId())).doesNotExist();
  }

  private Path artifact(String path) {
    return tmp.resolve("sink/sets/" + result.setId() + "/" + path);
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      long at = Math.min(offset, raf.length() - 1);
      raf.seek(at);
      int b = raf.read();
      raf.seek(at);
      raf.write(b ^ 0x01);
    }
  }

  static long countFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile).count();
    }
  }
}
