package com.avnology.backup.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.NotFoundException;
import com.avnology.backup.s3.internal.Retry;
import com.avnology.backup.s3.internal.S3Ops;
import com.avnology.backup.s3.testing.S3Server;
import io.minio.GetObjectResponse;
import io.minio.messages.Part;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multipart calls {@link S3Ops} makes through the MinIO SDK's public asynchronous client (no
 * reflection into {@code MinioClient}), against S3Proxy: an upload of two parts completes into the
 * object, an aborted one leaves no object, a failure is translated as the blocking calls' are.
 * (S3Proxy's filesystem store does not list multipart uploads, so {@code listUploads} is exercised
 * by {@code MinioTest} against MinIO.)
 */
final class S3OpsMultipartTest {
  @TempDir static Path serverDir;
  static S3Server server;

  @BeforeAll
  static void start() {
    server = S3Server.start(serverDir);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void multipart_createUploadCompleteAbort_throughTheCallersAsyncClient() throws Exception {
    String bucket = server.bucket("multipart");
    S3Ops ops = new S3Ops(server.async(), bucket, null, null, Retry.NONE);
    byte[] first = new byte[5 << 20];
    byte[] second = new byte[123_457];
    new Random(3).nextBytes(first);
    new Random(4).nextBytes(second);

    String id = ops.createUpload("a/object.bin");
    String etag1 = ops.uploadPart("a/object.bin", id, 1, first, first.length);
    String etag2 = ops.uploadPart("a/object.bin", id, 2, second, second.length);
    ops.completeUpload("a/object.bin", id, List.of(new Part(1, etag1), new Part(2, etag2)));

    byte[] read;
    try (GetObjectResponse in = ops.get("a/object.bin")) {
      read = in.readAllBytes();
    }
    assertThat(read).hasSize(first.length + second.length);
    assertThat(java.util.Arrays.copyOfRange(read, 0, first.length)).isEqualTo(first);
    assertThat(java.util.Arrays.copyOfRange(read, first.length, read.length)).isEqualTo(second);

    String aborted = ops.createUpload("a/aborted.bin");
    ops.uploadPart("a/aborted.bin", aborted, 1, second, second.length);
    ops.abortUpload("a/aborted.bin", aborted);
    ops.abortUpload("a/aborted.bin", aborted); // gone already: fine
    assertThat(ops.stat("a/aborted.bin")).isEmpty();
    S3Ops missing = new S3Ops(server.async(), "no-such-bucket", null, null, Retry.NONE);
    assertThatThrownBy(() -> missing.createUpload("a/x.bin"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage(
            "bucket 'no-such-bucket' does not exist (while starting a multipart upload of"
                + " a/x.bin): create the bucket (for example `mc mb ALIAS/BUCKET`) or fix its name");
  }
}
