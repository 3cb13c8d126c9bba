package com.avnology.backup.postgres.physical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.FileSystemSink;
import com.avnology.backup.IntegrityException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class WalArchiveTest {
  private static final String SEGMENT = "000000010000000000000003";
  @TempDir Path dir;

  private Path segment(String name, long seed) throws IOException {
    byte[] data = new byte[1 << 20];
    new Random(seed).nextBytes(data);
    java.util.Arrays.fill(data, 4096, data.length, (byte) 0);
    Path file = Files.createDirectories(dir.resolve("pg_wal-" + seed)).resolve(name);
    return Files.write(file, data);
  }

  @Test
  void push_thenGet_roundTripsUnderTimelineKey() throws IOException {
    WalArchive archive = WalArchive.of(FileSystemSink.of(dir.resolve("sink")));
    Path file = segment(SEGMENT, 1);

    assertThat(archive.push(file)).isEqualTo(WalArchive.PushResult.STORED);
    Path stored = dir.resolve("sink/wal/00000001/" + SEGMENT + ".zst");
    assertThat(stored).exists();
    assertThat(Files.size(stored)).isLessThan(Files.size(file) / 10);

    Path dest = dir.resolve("RECOVERYXLOG");
    assertThat(archive.get(SEGMENT, dest)).isTrue();
    assertThat(Files.mismatch(file, dest)).isEqualTo(-1);
    assertThat(archive.list()).containsExactly(SEGMENT);
    assertThat(archive.contains(SEGMENT)).isTrue();
  }

  @Test
  void push_sameSegmentTwice_isIdempotent() throws IOException {
    WalArchive archive = WalArchive.of(FileSystemSink.of(dir.resolve("sink")));
    Path file = segment(SEGMENT, 1);
    archive.push(file);

    assertThat(archive.push(file)).isEqualTo(WalArchive.PushResult.ALREADY_ARCHIVED);
  }

  @Test
  void push_differentContentUnderSameName_refusesToOverwrite() throws IOException {
    WalArchive archive = WalArchive.of(FileSystemSink.of(dir.resolve("sink")));
    archive.push(segment(SEGMENT, 1));
    Path stored = dir.resolve("sink/wal/00000001/" + SEGMENT + ".zst");
    byte[] before = Files.readAllBytes(stored);

    assertThatThrownBy(() -> archive.push(segment(SEGMENT, 2)))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("WAL file " + SEGMENT + " is archived in file:")
        .hasMessageContaining("with different content")
        .hasMessageContaining("refusing to overwrite it");
    assertThat(Files.readAllBytes(stored)).isEqualTo(before);
  }

  @Test
  void get_absentFile_returnsFalseAndWritesNothing() {
    WalArchive archive = WalArchive.of(FileSystemSink.of(dir.resolve("sink")));
    Path dest = dir.resolve("RECOVERYHISTORY");

    assertThat(archive.get("00000002.history", dest)).isFalse();
    assertThat(dest).doesNotExist();
  }

  @Test
  void get_damagedFile_throwsAndWritesNothing() throws IOException {
    WalArchive archive = WalArchive.of(FileSystemSink.of(dir.resolve("sink")));
    archive.push(segment(SEGMENT, 1));
    Path stored = dir.resolve("sink/wal/00000001/" + SEGMENT + ".zst");
    byte[] bytes = Files.readAllBytes(stored);
    bytes[20] ^= 1; // inside the recorded hash
    Files.write(stored, bytes);
    Path dest = dir.resolve("RECOVERYXLOG");

    assertThatThrownBy(() -> archive.get(SEGMENT, dest))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("is damaged: SHA-256");
    assertThat(dest).doesNotExist();
  }

  @Test
  void push_fileNotNamedLikeWal_isRefused() throws IOException {
    WalArchive archive = WalArchive.of(FileSystemSink.of(dir.resolve("sink")));
    Path file = Files.writeString(dir.resolve("notes.txt"), "x");

    assertThatThrownBy(() -> archive.push(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a WAL file name: notes.txt;");
  }

  @Test
  void ranges_perTimeline_withTheTrailingPartial() throws IOException {
    WalArchive archive = WalArchive.of(FileSystemSink.of(dir.resolve("sink")));
    archive.push(segment("000000010000000000000003", 1));
    archive.push(segment("000000010000000000000004", 2));
    archive.push(segment("000000020000000000000004", 3));
    archive.storePartial("000000020000000000000005", segment("x", 4), 8192);

    assertThat(archive.ranges())
        .containsExactly(
            new WalArchive.Range(
                1,
                "000000010000000000000003",
                "000000010000000000000004",
                2,
                java.util.Optional.empty()),
            new WalArchive.Range(
                2,
                "000000020000000000000004",
                "000000020000000000000005",
                1,
                java.util.Optional.of("000000020000000000000005.partial")));
  }
}
