package com.avnology.backup.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupResult;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.s3.testing.S3Server;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class BucketTargetTest {
  @TempDir static Path serverDir;
  @TempDir Path tmp;
  static S3Server server;
  static MinioClient client;
  static io.minio.MinioAsyncClient async;

  @BeforeAll
  static void start() {
    server = S3Server.start(serverDir);
    client = server.client();
    async = server.async();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static void put(String bucket, String key, byte[] data, String type, Map<String, String> meta)
      throws Exception {
    client.putObject(
        PutObjectArgs.builder().bucket(bucket).object(key).stream(
                new ByteArrayInputStream(data), data.length, -1)
            .contentType(type)
            .userMetadata(meta)
            .build());
  }

  static byte[] get(String bucket, String key) throws Exception {
    try (var in = client.getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return in.readAllBytes();
    }
  }

  static StatObjectResponse stat(String bucket, String key) throws Exception {
    return client.statObject(StatObjectArgs.builder().bucket(bucket).object(key).build());
  }

  @Test
  void backupAndRestore_intoAnotherBucket_keepsBytesContentTypeAndUserMetadata() throws Exception {
    String source = server.bucket("avatars");
    byte[] big = S3SinkTest.bytes(7 << 20, 1);
    put(
        source,
        "users/1/avatar.png",
        S3SinkTest.bytes(1000, 2),
        "image/png",
        Map.of("Owner", "alice", "note", "two words; ok"));
    put(source, "users/2/big.bin", big, "application/octet-stream", Map.of());
    put(source, "deep/path/ünïcødé 名前.txt", "x".getBytes(UTF_8), "text/markdown", Map.of());
    put(source, "empty", new byte[0], "application/x-empty", Map.of("k", "v"));
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    BackupResult result =
        Backup.builder().target(BucketTarget.of("avatars", async, source)).sink(sink).build().run();
    String copy = server.bucket("avatars-restored");
    RestorePlan.builder(sink)
        .latest()
        .target(BucketTarget.of("avatars", async, copy))
        .build()
        .execute();

    assertThat(result.targets().get(0).artifacts().get(0).path())
        .isEqualTo("bucket/avatars.tar.zst");
    assertThat(result.targets().get(0).entries()).isEqualTo(4);
    assertThat(S3SinkTest.keys(client, copy))
        .containsExactlyInAnyOrderElementsOf(S3SinkTest.keys(client, source));
    for (String key : S3SinkTest.keys(client, source)) {
      assertThat(get(copy, key)).as(key).isEqualTo(get(source, key));
      assertThat(stat(copy, key).contentType()).as(key).isEqualTo(stat(source, key).contentType());
      assertThat(stat(copy, key).userMetadata())
          .as(key)
          .isEqualTo(stat(source, key).userMetadata());
    }
    assertThat(stat(copy, "users/1/avatar.png").userMetadata())
        .containsEntry("owner", "alice")
        .containsEntry("note", "two words; ok");
    // S3Proxy does not implement object tagging (501): the manifest says so
    assertThat(
            com.avnology.backup.BackupCatalog.of(sink)
                .manifest(result.setId())
                .target("bucket", "avatars")
                .orElseThrow()
                .metadata())
        .containsEntry("tags", "unsupported by the server")
        .containsEntry("objects", "4");
  }

  @Test
  void backupRestoreAndMirror_keepStandardHeaders() throws Exception {
    String source = server.bucket("assets");
    Map<String, String> headers =
        Map.of(
            "Content-Encoding", "gzip",
            "Cache-Control", "public, max-age=86400",
            "Content-Disposition", "attachment; filename=\"report.csv\"",
            "Content-Language", "de");
    byte[] body = "gzipped bytes, as far as S3 knows".getBytes(UTF_8);
    client.putObject(
        PutObjectArgs.builder().bucket(source).object("export/report.csv").stream(
                new ByteArrayInputStream(body), body.length, -1)
            .contentType("text/csv")
            .headers(headers)
            .build());
    put(source, "plain.txt", "plain".getBytes(UTF_8), "text/plain", Map.of());
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    Backup.builder().target(BucketTarget.of("assets", async, source)).sink(sink).build().run();
    String restored = server.bucket("assets-restored");
    RestorePlan.builder(sink)
        .latest()
        .target(BucketTarget.of("assets", async, restored))
        .build()
        .execute();
    String mirrored = server.bucket("assets-mirrored");
    BucketMirror.builder(async, source, async, mirrored).build().run();

    for (String copy : List.of(restored, mirrored)) {
      okhttp3.Headers got = stat(copy, "export/report.csv").headers();
      headers.forEach(
          (name, value) -> assertThat(got.get(name)).as(copy + " " + name).isEqualTo(value));
      assertThat(get(copy, "export/report.csv")).isEqualTo(body);
      assertThat(stat(copy, "plain.txt").headers().get("Content-Encoding")).as(copy).isNull();
    }
    // restored again over itself: identical, headers included, so nothing is refused or rewritten
    RestorePlan.builder(sink)
        .latest()
        .target(BucketTarget.of("assets", async, restored))
        .build()
        .execute();
  }

  @Test
  void restore_overExistingDifferentObjects_refusesByDefaultListingThemThenObeysPolicy()
      throws Exception {
    String bucket = server.bucket("policy");
    put(bucket, "same.txt", "same".getBytes(UTF_8), "text/plain", Map.of());
    put(bucket, "changed.txt", "old!".getBytes(UTF_8), "text/plain", Map.of());
    put(bucket, "prefixed/x", "x".getBytes(UTF_8), "text/plain", Map.of());
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder().target(BucketTarget.of("b", async, bucket)).sink(sink).build().run();
    put(bucket, "changed.txt", "new!".getBytes(UTF_8), "text/plain", Map.of()); // same size
    client.removeObject(
        io.minio.RemoveObjectArgs.builder().bucket(bucket).object("prefixed/x").build());

    var refuse =
        RestorePlan.builder(sink).latest().target(BucketTarget.of("b", async, bucket)).build();
    assertThatThrownBy(refuse::execute)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(
            "bucket 'policy' already holds 1 objects that differ from the"
                + " backup: changed.txt; nothing was written. Restore into an empty bucket or prefix,"
                + " or choose OverwritePolicy.IF_DIFFERENT or ALWAYS");
    assertThat(get(bucket, "changed.txt")).isEqualTo("new!".getBytes(UTF_8));
    assertThat(S3SinkTest.keys(client, bucket)).doesNotContain("prefixed/x");

    RestorePlan.builder(sink)
        .latest()
        .target(
            BucketTarget.builder("b", async, bucket)
                .overwrite(OverwritePolicy.IF_DIFFERENT)
                .build())
        .build()
        .execute();
    assertThat(get(bucket, "changed.txt")).isEqualTo("old!".getBytes(UTF_8));
    assertThat(get(bucket, "prefixed/x")).isEqualTo("x".getBytes(UTF_8));

    put(bucket, "changed.txt", "newer".getBytes(UTF_8), "text/plain", Map.of());
    RestorePlan.builder(sink)
        .latest()
        .target(BucketTarget.builder("b", async, bucket).overwrite(OverwritePolicy.ALWAYS).build())
        .build()
        .execute();
    assertThat(get(bucket, "changed.txt")).isEqualTo("old!".getBytes(UTF_8));
  }

  @Test
  void backup_prefix_storesKeysRelativeAndRestoresUnderAnotherPrefix() throws Exception {
    String bucket = server.bucket("prefixes");
    put(bucket, "keep/a.txt", "a".getBytes(UTF_8), "text/plain", Map.of());
    put(bucket, "other/b.txt", "b".getBytes(UTF_8), "text/plain", Map.of());
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(BucketTarget.builder("p", async, bucket).prefix("keep").build())
        .sink(sink)
        .build()
        .run();
    RestorePlan.builder(sink)
        .latest()
        .target(BucketTarget.builder("p", async, bucket).prefix("restored/").build())
        .build()
        .execute();

    assertThat(S3SinkTest.keys(client, bucket))
        .containsExactlyInAnyOrder("keep/a.txt", "other/b.txt", "restored/a.txt");
    assertThat(BucketTarget.builder("p", async, bucket).prefix("keep").build().toString())
        .isEqualTo("BucketTarget[p = s3://prefixes/keep/, overwrite=NEVER]");
  }

  @Test
  void backup_missingBucket_failsNamingBucketAndFix() {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup =
        Backup.builder()
            .target(BucketTarget.of("gone", async, "no-such-bucket"))
            .sink(sink)
            .build();
    assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(
            "bucket 'no-such-bucket' does not exist: create the bucket (for"
                + " example `mc mb ALIAS/no-such-bucket`) or fix its name");
    assertThat(sink.list()).isEmpty();
    assertThatThrownBy(() -> BucketTarget.of("Bad Name", async, "b12"))
        .hasMessage(
            "bucket target name must be 1 to 63 characters of a-z, 0-9, '-' and '_',"
                + " starting with a letter or digit: 'Bad Name'");
  }
}
