package com.avnology.backup.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.s3.testing.S3Server;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key that ends in '/' names an object like any other: an S3 console's empty "folder" marker, or
 * one that holds bytes. Backups, restores and mirrors keep them (they were left out without a
 * word). S3Proxy's filesystem store cannot hold such keys; its in-memory one can.
 */
final class SlashKeysTest {
  @TempDir Path tmp;
  static S3Server server;
  static MinioClient client;

  @BeforeAll
  static void start() {
    server = S3Server.inMemory();
    client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void backupRestoreAndMirror_keepObjectsWhoseKeyEndsInASlash() throws Exception {
    String source = server.bucket("slashes");
    put(source, "exports/", "");
    put(source, "exports/2026/", "bytes under a folder-like key");
    put(source, "exports/2026/report.csv", "a,b\n");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    Backup.builder()
        .target(BucketTarget.of("exports", server.async(), source))
        .sink(sink)
        .build()
        .run();
    String restored = server.bucket("slashes-restored");
    RestorePlan.builder(sink)
        .latest()
        .target(BucketTarget.of("exports", server.async(), restored))
        .build()
        .execute();
    String mirrored = server.bucket("slashes-mirrored");
    BucketMirror.builder(server.async(), source, server.async(), mirrored).build().run();

    for (String copy : new String[] {restored, mirrored}) {
      assertThat(S3SinkTest.keys(client, copy))
          .as(copy)
          .containsExactlyInAnyOrder("exports/", "exports/2026/", "exports/2026/report.csv");
      assertThat(get(copy, "exports/2026/")).isEqualTo("bytes under a folder-like key");
      assertThat(get(copy, "exports/")).isEmpty();
    }
  }

  @Test
  void thePrefixOwnMarker_atABucketsRoot_isLeftOut_andTheRestArrives() throws Exception {
    String source = server.bucket("marked");
    put(source, "exports/", "");
    put(source, "exports/a.csv", "a");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("marked-sink"));

    Backup.builder()
        .target(BucketTarget.builder("exports", server.async(), source).prefix("exports/").build())
        .sink(sink)
        .build()
        .run();
    String root = server.bucket("marked-root");
    RestorePlan.builder(sink)
        .latest()
        .target(BucketTarget.of("exports", server.async(), root))
        .build()
        .execute();
    String mirrored = server.bucket("marked-mirrored");
    BucketMirror.builder(server.async(), source, server.async(), mirrored)
        .sourcePrefix("exports/")
        .build()
        .run();

    // "exports/" would have the empty key there; under a prefix it would be that prefix's marker
    assertThat(S3SinkTest.keys(client, root)).containsExactly("a.csv");
    assertThat(S3SinkTest.keys(client, mirrored)).containsExactly("a.csv");
  }

  private static void put(String bucket, String key, String body) throws Exception {
    byte[] bytes = body.getBytes(UTF_8);
    client.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(bytes), bytes.length, -1)
            .build());
  }

  private static String get(String bucket, String key) throws Exception {
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return new String(in.readAllBytes(), UTF_8);
    }
  }
}
