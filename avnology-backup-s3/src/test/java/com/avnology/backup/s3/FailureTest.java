package com.avnology.backup.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Compression;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.StorageException;
import com.avnology.backup.s3.internal.Retry;
import com.avnology.backup.s3.internal.S3Ops;
import com.avnology.backup.s3.testing.S3Server;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class FailureTest {
  @TempDir Path tmp;
  S3Server server;

  @BeforeEach
  void start() {
    server = S3Server.start(tmp.resolve("s3"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private S3Sink.Builder sink(String bucket) {
    return S3Sink.builder(server.endpoint(), bucket)
        .credentials(S3Credentials.of(S3Server.ACCESS_KEY, S3Server.SECRET_KEY))
        .partSize(5 << 20)
        .retry(RetryPolicy.builder().retries(2).baseDelay(Duration.ofMillis(20)).build())
        .timeout(Duration.ofSeconds(5));
  }

  /** Writes one small artifact, then a big one during which it stops the server. */
  private final class StopsServer implements BackupTarget {
    @Override
    public String kind() {
      return "test";
    }

    @Override
    public String name() {
      return "stops";
    }

    @Override
    public void backup(BackupContext context) {
      try {
        try (OutputStream out = context.artifact("stops.small", Compression.Algorithm.NONE)) {
          out.write("done".getBytes(UTF_8));
        }
        try (OutputStream out = context.artifact("stops.big", Compression.Algorithm.NONE)) {
          byte[] block = new byte[1 << 20];
          for (int i = 0; i < 40; i++) {
            if (i == 12) {
              server.stop(); // two parts are uploaded, the upload is open
            }
            out.write(block);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void restore(RestoreContext context) {}
  }

  @Test
  void serverStoppedMidUpload_backupFailsSetNotListedAndNextRunCleansUp() throws IOException {
    String bucket = server.bucket("failing");
    S3Sink sink = sink(bucket).build();
    Backup backup = Backup.builder().target(new StopsServer()).sink(sink).build();

    assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("backup of test/stops failed")
        .hasMessageContaining("cannot reach bucket 'failing' at " + server.endpoint())
        .hasMessageContaining("check the endpoint and that the server is up");

    server.restart();
    assertThat(sink.list()).isEmpty();
    assertThat(S3SinkTest.keys(server.client(), bucket))
        .as("the aborted set's finished artifact is left: the server was down during abort")
        .anyMatch(k -> k.endsWith("/test/stops.small"))
        .as("the upload cut off is still open: S3Proxy keeps its parts as .mpus-* objects")
        .anyMatch(k -> k.contains(".mpus-"));

    // The next run, two hours later: the dead set is stale and goes
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
    S3Sink next = sink(bucket).clock(later).build();
    Path volume = java.nio.file.Files.createDirectories(tmp.resolve("volume"));
    java.nio.file.Files.writeString(volume.resolve("f.txt"), "f");
    String id =
        Backup.builder()
            .target(com.avnology.backup.VolumeTarget.of("v", volume))
            .sink(next)
            .clock(later)
            .build()
            .run()
            .setId();

    assertThat(next.list()).containsExactly(id);
    assertThat(S3SinkTest.keys(server.client(), bucket).stream().filter(k -> k.startsWith("sets/")))
        .allMatch(k -> k.startsWith("sets/" + id + "/"));
    // S3Proxy cannot list multipart uploads (HTTP 501); the dead run's upload marker let the
    // next run abort the upload all the same: no part is left.
    assertThat(S3SinkTest.keys(server.client(), bucket))
        .as("no incomplete multipart upload (S3Proxy's .mpus-* parts) remains")
        .noneMatch(k -> k.contains(".mpus-"));
    S3Ops ops = new S3Ops(server.async(), bucket, null, null, Retry.NONE);
    assertThat(ops.listUploads("sets/")).isEmpty();
  }

  @Test
  void abort_whileServerIsUp_abortsOpenUploadAndDeletesObjects() throws IOException {
    String bucket = server.bucket("aborting");
    S3Sink sink = sink(bucket).build();
    var writer = sink.create("20260101T000000.000Z-abcdef");
    try (OutputStream done = writer.artifact("a.bin")) {
      done.write(new byte[6 << 20]);
    }
    OutputStream open = writer.artifact("b.bin");
    open.write(new byte[11 << 20]);
    writer.abort();

    assertThat(S3SinkTest.keys(server.client(), bucket))
        .noneMatch(k -> k.startsWith("sets/"))
        .as("S3Proxy keeps multipart parts as .mpus-* objects; the abort removed them")
        .noneMatch(k -> k.contains(".mpus-"));
  }

  @Test
  void missingBucket_andWrongSecret_giveClearMessagesWithoutTheSecret() {
    S3Sink missing = sink("missing-bucket").build();
    assertThatThrownBy(() -> missing.create("20260101T000000.000Z-abcdef"))
        .isInstanceOf(NotFoundException.class)
        .hasMessage(
            "bucket 'missing-bucket' at "
                + server.endpoint()
                + " does not exist: create"
                + " the bucket (for example `mc mb ALIAS/missing-bucket`) or fix its name");
    assertThatThrownBy(missing::list)
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(
            "bucket 'missing-bucket' at "
                + server.endpoint()
                + " does not exist (while listing sets/)");

    String bucket = server.bucket("guarded");
    String wrong = "wrong-secret-Yy7Tt6Rr5";
    S3Sink bad =
        S3Sink.builder(server.endpoint(), bucket)
            .credentials(S3Credentials.of(S3Server.ACCESS_KEY, wrong))
            .retry(RetryPolicy.none())
            .build();
    Throwable onCreate =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> bad.create("20260101T000000.000Z-abcdef"));
    Throwable onList = org.assertj.core.api.Assertions.catchThrowable(bad::list);

    assertThat(onCreate)
        .isInstanceOf(StorageException.class)
        .hasMessage(
            "access denied to bucket 'guarded' at "
                + server.endpoint()
                + " (access key 'test-access-key') while checking that the bucket exists: check the"
                + " secret key, and that the key may list, read, write and delete objects in the"
                + " bucket");
    assertThat(onList)
        .isInstanceOf(StorageException.class)
        .hasMessage(
            "the credentials (access key 'test-access-key') were rejected by bucket"
                + " 'guarded' at "
                + server.endpoint()
                + " while listing sets/"
                + " (SignatureDoesNotMatch): fix the access key or its secret key");
    for (Throwable t : new Throwable[] {onCreate, onList}) {
      for (Throwable c = t; c != null; c = c.getCause()) {
        assertThat(String.valueOf(c.getMessage())).doesNotContain(wrong);
        assertThat(c.toString()).doesNotContain(wrong);
      }
    }
    assertThat(bad.toString())
        .isEqualTo("s3://guarded/ at " + server.endpoint())
        .doesNotContain(wrong);
    assertThat(S3Credentials.of("ak", wrong).toString())
        .isEqualTo("S3Credentials[accessKey=ak, secretKey=****]");
  }
}
