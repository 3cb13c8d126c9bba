package com.avnology.backup.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.VolumeTarget;
import com.avnology.backup.s3.internal.Retry;
import com.avnology.backup.s3.internal.S3Ops;
import com.avnology.backup.testing.TreeSnapshot;
import io.minio.GetObjectTagsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * What S3Proxy cannot show, on a real MinIO: listing and aborting stale multipart uploads, and
 * object tags. Skipped where there is no Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
final class MinioTest {
  @Container
  static final MinIOContainer MINIO =
      new MinIOContainer("minio/minio:RELEASE.2024-01-16T16-07-38Z");

  @TempDir Path tmp;

  private static io.minio.MinioAsyncClient asyncClient() {
    return io.minio.MinioAsyncClient.builder()
        .endpoint(MINIO.getS3URL())
        .credentials(MINIO.getUserName(), MINIO.getPassword())
        .build();
  }

  private static MinioClient client() {
    return MinioClient.builder()
        .endpoint(MINIO.getS3URL())
        .credentials(MINIO.getUserName(), MINIO.getPassword())
        .build();
  }

  private static String bucket(String name) throws Exception {
    client().makeBucket(MakeBucketArgs.builder().bucket(name).build());
    return name;
  }

  private static S3Sink.Builder sink(String bucket) {
    return S3Sink.builder(URI.create(MINIO.getS3URL()), bucket)
        .credentials(S3Credentials.of(MINIO.getUserName(), MINIO.getPassword()));
  }

  @Test
  void create_afterDeadRun_abortsStaleMultipartUploads() throws Exception {
    String bucket = bucket("stale");
    S3Ops ops = new S3Ops(asyncClient(), bucket, null, null, Retry.NONE);
    String id = ops.createUpload("sets/20200101T000000.000Z-dead00/volume/v.tar");
    ops.uploadPart(
        "sets/20200101T000000.000Z-dead00/volume/v.tar", id, 1, new byte[6 << 20], 6 << 20);
    assertThat(ops.listUploads("sets/")).hasValueSatisfying(u -> assertThat(u).hasSize(1));

    Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
    Path source = tmp.resolve("source");
    Trees.build(source, 1 << 20);
    try (S3Sink sink = sink(bucket).clock(later).build()) {
      Backup.builder().target(VolumeTarget.of("v", source)).sink(sink).build().run();
      assertThat(ops.listUploads("sets/")).hasValueSatisfying(u -> assertThat(u).isEmpty());
      Path restored = tmp.resolve("restored");
      RestorePlan.builder(sink).latest().volume("v", restored).build().execute();
      assertThat(TreeSnapshot.of(restored)).isEqualTo(TreeSnapshot.of(source));
    }
  }

  @Test
  void bucketTarget_keepsTags() throws Exception {
    String source = bucket("tagged");
    client()
        .putObject(
            PutObjectArgs.builder().bucket(source).object("a.txt").stream(
                    new ByteArrayInputStream("a".getBytes(UTF_8)), 1, -1)
                .tags(Map.of("team", "auth"))
                .build());
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder().target(BucketTarget.of("t", asyncClient(), source)).sink(sink).build().run();
    String copy = bucket("tagged-copy");
    RestorePlan.builder(sink)
        .latest()
        .target(BucketTarget.of("t", asyncClient(), copy))
        .build()
        .execute();

    assertThat(
            client()
                .getObjectTags(GetObjectTagsArgs.builder().bucket(copy).object("a.txt").build())
                .get())
        .containsEntry("team", "auth");
    assertThat(BackupCatalog.of(sink).list().get(0).targets().get(0).metadata())
        .containsEntry("tags", "kept");
  }
}
