package com.avnology.backup.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.s3.testing.S3Server;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects outside the sets (the WAL archive) in an S3 sink. */
final class S3ObjectsTest {
  @TempDir static Path serverDir;
  static S3Server server;
  static int buckets;

  @BeforeAll
  static void start() {
    server = S3Server.start(serverDir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  private static S3Sink sink(String prefix) {
    return S3Sink.builder(server.endpoint(), server.bucket("objects-" + ++buckets))
        .credentials(S3Credentials.of(S3Server.ACCESS_KEY, S3Server.SECRET_KEY))
        .prefix(prefix)
        .build();
  }

  private static InputStream bytes(String s) {
    return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void putObjectIfAbsent_storesOnceUnderPrefix_neverReplaces() throws IOException {
    try (S3Sink sink = sink("prod/")) {
      assertThat(sink.putObjectIfAbsent("wal/00000001/a.zst", bytes("first"))).isTrue();
      assertThat(sink.putObjectIfAbsent("wal/00000001/a.zst", bytes("second"))).isFalse();

      try (InputStream in = sink.openObject("wal/00000001/a.zst").orElseThrow()) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("first");
      }
      assertThat(sink.openObject("wal/00000001/b.zst")).isEmpty();
      assertThat(sink.listObjects("wal/")).containsExactly("wal/00000001/a.zst");
    }
  }

  @Test
  void putObjectIfAbsent_underSets_isRefused() {
    try (S3Sink sink = sink("")) {
      assertThatThrownBy(() -> sink.putObjectIfAbsent("sets/x/y", bytes("z")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "object key sets/x/y is under sets/, which holds backup sets: choose"
                  + " another prefix, such as wal/");
    }
  }
}
