package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class SinkObjectsTest {
  @TempDir Path dir;

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void putObjectIfAbsent_storesOnce_neverReplaces() throws IOException {
    FileSystemSink sink = FileSystemSink.of(dir);

    assertThat(sink.putObjectIfAbsent("wal/00000001/a.zst", bytes("first"))).isTrue();
    assertThat(sink.putObjectIfAbsent("wal/00000001/a.zst", bytes("second"))).isFalse();

    try (InputStream in = sink.openObject("wal/00000001/a.zst").orElseThrow()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("first");
    }
    assertThat(sink.listObjects("wal/")).containsExactly("wal/00000001/a.zst");
    try (var files = Files.list(dir.resolve("wal/00000001"))) {
      assertThat(files.toList()).hasSize(1); // no temporary file left behind
    }
  }

  @Test
  void openObject_absent_isEmpty() {
    assertThat(FileSystemSink.of(dir).openObject("wal/00000001/none.zst")).isEmpty();
    assertThat(FileSystemSink.of(dir.resolve("missing")).listObjects("wal/")).isEmpty();
  }

  @Test
  void putObjectIfAbsent_underSets_isRefused() {
    assertThatThrownBy(() -> FileSystemSink.of(dir).putObjectIfAbsent("sets/x/y", bytes("z")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "object key sets/x/y is under sets/, which holds backup sets: choose another"
                + " prefix, such as wal/");
  }

  @Test
  void defaultSink_cannotStoreObjects() {
    BackupSink bare =
        new BackupSink() {
          @Override
          public SetWriter create(String setId) {
            throw new UnsupportedOperationException();
          }

          @Override
          public List<String> list() {
            return List.of();
          }

          @Override
          public SetReader open(String setId) {
            throw new UnsupportedOperationException();
          }

          @Override
          public void delete(String setId) {}

          @Override
          public String toString() {
            return "bare:";
          }
        };

    assertThatThrownBy(() -> bare.openObject("wal/x"))
        .isInstanceOf(StorageException.class)
        .hasMessage(
            "backup sink bare: cannot store objects outside sets (needed for the WAL"
                + " archive): use a file-system sink");
  }
}
