package com.avnology.backup.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupResult;
import com.avnology.backup.BackupSink;
import com.avnology.backup.Compression;
import com.avnology.backup.Manifest;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.VolumeTarget;
import com.avnology.backup.s3.testing.S3Server;
import com.avnology.backup.testing.TreeSnapshot;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class S3SinkTest {
  @TempDir static Path serverDir;
  @TempDir Path tmp;
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
    return S3Sink.builder(server.endpoint(), server.bucket("sink-" + ++buckets))
        .credentials(S3Credentials.of(S3Server.ACCESS_KEY, S3Server.SECRET_KEY))
        .prefix(prefix)
        .build();
  }

  @Test
  void roundTrip_volumeThroughS3_restoresIdenticalTree() throws IOException {
    Path source = tmp.resolve("source");
    Trees.build(source, 40L << 20);
    try (S3Sink sink = sink("prod/auth")) {
      BackupResult result =
          Backup.builder()
              .target(VolumeTarget.of("certs", source))
              .sink(sink)
              .compression(Compression.zstd(1))
              .build()
              .run();
      Path restored = tmp.resolve("restored");
      RestorePlan.builder(sink).latest().volume("certs", restored).build().execute();

      assertThat(TreeSnapshot.of(restored)).isEqualTo(TreeSnapshot.of(source));
      assertThat(sink.list()).containsExactly(result.setId());
      assertThat(BackupCatalog.of(sink).verify(result.setId()).ok()).isTrue();
      assertThat(keys(server.client(), sink.bucket()))
          .contains(
              "prod/auth/sets/" + result.setId() + "/manifest.json",
              "prod/auth/sets/" + result.setId() + "/volume/certs.tar.zst");
    }
  }

  @Test
  void sinkBuiltFromAnEndpoint_leavesNoThreadThatKeepsTheJvmAlive() throws IOException {
    Path source = Files.createDirectories(tmp.resolve("small"));
    Files.writeString(source.resolve("a.txt"), "a");
    try (S3Sink sink = sink("threads")) {
      // the test's own MinIO clients (S3Server's) run on OkHttp's non-daemon threads
      java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
      Backup.builder().target(VolumeTarget.of("v", source)).sink(sink).build().run();
      // the sink's HTTP threads are still alive (idle) here: OkHttp's own would be non-daemon
      // and hold the JVM for a minute after main returns
      assertThat(Thread.getAllStackTraces().keySet())
          // (S3Proxy, the server, starts request threads of its own)
          .filteredOn(
              t ->
                  t.isAlive()
                      && !t.isDaemon()
                      && !before.contains(t)
                      && !t.getName().startsWith("S3Proxy"))
          .extracting(Thread::getName)
          .isEmpty();
      assertThat(Thread.getAllStackTraces().keySet())
          .extracting(Thread::getName)
          .anyMatch(n -> n.startsWith("avnology-s3-http"));
    }
  }

  @Test
  void list_unpublishedAndAbortedSets_areNotListedAndAbortLeavesNothing() throws IOException {
    try (S3Sink sink = sink("")) {
      String older = "20260101T000000.000Z-aaaaaa";
      String newer = "20260102T000000.000Z-bbbbbb";
      String unpublished = "20260103T000000.000Z-cccccc";
      for (String id : new String[] {older, newer}) {
        try (BackupSink.SetWriter w = sink.create(id)) {
          try (OutputStream out = w.artifact("volume/x.tar")) {
            out.write(id.getBytes(StandardCharsets.UTF_8));
          }
          w.publish("{}".getBytes(StandardCharsets.UTF_8));
        }
      }
      BackupSink.SetWriter w = sink.create(unpublished);
      try (OutputStream out = w.artifact("volume/big.tar")) {
        out.write(new byte[12 << 20]); // a multipart upload
      }
      OutputStream open = w.artifact("volume/open.tar");
      open.write(new byte[20 << 20]); // one part uploaded, upload still open

      assertThat(sink.list()).containsExactly(newer, older);
      assertThatThrownBy(() -> sink.open(unpublished))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("no backup set " + unpublished + " in s3://sink-")
          .hasMessageContaining("list the sink to see its sets");
      assertThatThrownBy(() -> sink.create(newer))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("set " + newer + " already exists");

      w.abort();
      w.close();
      assertThatThrownBy(() -> open.write(1)).isInstanceOf(IOException.class);
      assertThat(keys(server.client(), sink.bucket()))
          .noneMatch(k -> k.contains(unpublished))
          .allMatch(k -> k.startsWith("sets/"));

      sink.delete(older);
      assertThat(sink.list()).containsExactly(newer);
      assertThat(keys(server.client(), sink.bucket())).noneMatch(k -> k.contains(older));
    }
  }

  @Test
  void presign_artifact_downloadsWithoutCredentialsAndMatchesManifestSha256() throws Exception {
    Path source = tmp.resolve("source");
    Trees.build(source, 3 << 20);
    try (S3Sink sink = sink("p")) {
      BackupResult result =
          Backup.builder().target(VolumeTarget.of("v", source)).sink(sink).build().run();
      Manifest.Artifact artifact = result.targets().get(0).artifacts().get(0);

      URI url = sink.presign(result.setId(), artifact.path(), Duration.ofMinutes(5));
      HttpResponse<byte[]> response =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofByteArray());

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(
              HexFormat.of()
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(response.body())))
          .isEqualTo(artifact.sha256());
      assertThat(url.toString()).doesNotContain(S3Server.SECRET_KEY);
      assertThatThrownBy(
              () -> sink.presign(result.setId(), "volume/none.tar", Duration.ofMinutes(1)))
          .isInstanceOf(NotFoundException.class)
          .hasMessageContaining("has no artifact volume/none.tar");
      assertThatThrownBy(() -> sink.presign(result.setId(), artifact.path(), Duration.ofDays(8)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("presigned URL expiry must be between 1 second and 7 days: PT192H");
    }
  }

  @Test
  void builder_clientGiven_isNotClosedAndRejectsEndpointOptions() throws Exception {
    io.minio.MinioAsyncClient client = server.async();
    String bucket = server.bucket("given-client");
    S3Sink sink = S3Sink.builder(client, bucket).build();
    sink.close();
    assertThat(sink.list()).isEmpty(); // the client still works
    assertThat(sink.toString()).isEqualTo("s3://given-client/");

    assertThatThrownBy(() -> S3Sink.builder(client, bucket).region("eu-west-1").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "credentials, region, pathStyle and timeout apply to builder(URI, bucket);"
                + " with builder(MinioAsyncClient, bucket) set them on the client");
  }

  @Test
  void builder_badValues_areRefusedQuotingThem() {
    URI endpoint = server.endpoint();
    assertThatThrownBy(() -> S3Sink.builder(endpoint, "Bad_Bucket"))
        .hasMessage(
            "not an S3 bucket name: 'Bad_Bucket'; use 3 to 63 of a-z, 0-9, '.' and '-',"
                + " starting and ending with a letter or digit");
    assertThatThrownBy(() -> S3Sink.builder(URI.create("ftp://h:1"), "b12"))
        .hasMessage("S3 endpoint must be http(s)://host[:port] without path or query: 'ftp://h:1'");
    assertThatThrownBy(() -> S3Sink.builder(URI.create("http://ak:sk@h:1"), "b12"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "S3 endpoint must not hold credentials: 'http://h'; pass them to credentials(...)");
    assertThatThrownBy(() -> S3Sink.builder(endpoint, "b12").prefix("a//b"))
        .hasMessage("not a key prefix: 'a//b'; use segments separated by '/', such as 'prod/auth'");
    assertThatThrownBy(() -> S3Sink.builder(endpoint, "b12").partSize(1 << 20))
        .hasMessage("part size must be between 5 MiB and 1 GiB: 1048576");
    assertThatThrownBy(() -> S3Sink.builder(endpoint, "b12").retry(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("null policy");
    assertThatThrownBy(() -> S3Sink.builder(endpoint, "b12").staleAfter(Duration.ofHours(-1)))
        .hasMessage("stale age cannot be negative: PT-1H");
    assertThatThrownBy(() -> S3Sink.builder(endpoint, "b12").timeout(Duration.ZERO))
        .hasMessage("timeout must be positive: PT0S");
    assertThatThrownBy(() -> S3Sink.builder(endpoint, "b12").region(" "))
        .hasMessage("region is blank: ' '");
    assertThatThrownBy(() -> S3Sink.builder(endpoint, "b12").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "no credentials for endpoint "
                + endpoint
                + ": call credentials(S3Credentials.of(accessKey, secretKey)) before build()");
    assertThatThrownBy(() -> S3Credentials.of("ak", ""))
        .hasMessage("secret key is empty for access key 'ak'");
    assertThatThrownBy(() -> S3Credentials.of(" ", "sk")).hasMessage("access key is empty: ' '");
  }

  static java.util.List<String> keys(MinioClient client, String bucket) {
    return StreamSupport.stream(
            client
                .listObjects(ListObjectsArgs.builder().bucket(bucket).recursive(true).build())
                .spliterator(),
            false)
        .map(
            r -> {
              try {
                return r.get();
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            })
        .filter(i -> !i.isDir())
        .map(i -> i.objectName())
        .toList();
  }

  /** Random bytes, reproducible. */
  static byte[] bytes(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
