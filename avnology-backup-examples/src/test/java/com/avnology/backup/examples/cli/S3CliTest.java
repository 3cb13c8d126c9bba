package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI against a real in-process S3 server (S3Proxy). */
final class S3CliTest {
  @TempDir static Path shared;
  static EmbeddedS3 s3;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new EmbeddedS3(Files.createDirectories(shared.resolve("s3")));
    System.setProperty("aws.accessKeyId", s3.accessKey);
    System.setProperty("aws.secretAccessKey", s3.secretKey);
    for (String b :
        new String[] {
          "backups",
          "logos",
          "logos-restored",
          "mirror-src",
          "mirror-dst",
          "guard-src",
          "guard-dst",
          "differ-src",
          "differ-dst"
        }) {
      s3.bucket(b);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  static String uri(String bucket, String prefix) {
    return "s3://" + bucket + "/" + prefix + "?endpoint=" + s3.endpoint();
  }

  @Test
  void backupToS3_withPresign_thenListVerifyRestore() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("certs"));
    Files.writeString(volume.resolve("fullchain.pem"), "-----BEGIN CERTIFICATE-----\n".repeat(99));
    put("logos", "org-1/logo.png", "png bytes");

    CliTest.Run backup =
        CliTest.cli(
            "backup",
            "--to",
            uri("backups", "prod"),
            "--volume",
            "certs=" + volume,
            "--bucket",
            "logos=" + uri("logos", ""),
            "--presign",
            "1h",
            "--json");
    assertThat(backup.code()).as(backup.err()).isZero();
    JsonNode json = Json.MAPPER.readTree(backup.out());
    String url = json.at("/presigned/volume~1certs.tar.zst").asText();
    String sha = json.at("/targets/0/artifacts/0/sha256").asText();
    byte[] body =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body();
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)))
        .isEqualTo(sha);

    assertThat(CliTest.cli("list", "--from", uri("backups", "prod")).out())
        .contains("[volume/certs, bucket/logos]");
    assertThat(CliTest.cli("verify", "--from", uri("backups", "prod")).code()).isZero();
    CliTest.Run restore =
        CliTest.cli(
            "restore",
            "--from",
            uri("backups", "prod"),
            "--volume",
            "certs=" + tmp.resolve("out"),
            "--bucket",
            "logos=" + uri("logos-restored", ""));
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(tmp.resolve("out/fullchain.pem"))
        .hasSameTextualContentAs(volume.resolve("fullchain.pem"));
    assertThat(get("logos-restored", "org-1/logo.png")).isEqualTo("png bytes");
  }

  @Test
  void walPushThenGet_throughS3_returnsTheSameBytes_andAnAbsentFileExitsOne() throws Exception {
    String name = "00000001000000000000002A";
    byte[] data = new byte[1 << 20];
    new java.util.Random(42).nextBytes(data);
    Path segment = Files.write(Files.createDirectories(tmp.resolve("pg_wal")).resolve(name), data);
    String sink = uri("backups", "wal-cli");

    CliTest.Run push = CliTest.cli("wal-push", "--to", sink, segment.toString());
    assertThat(push.code()).as(push.err()).isZero();
    Path dest = tmp.resolve("RECOVERYXLOG");
    CliTest.Run get = CliTest.cli("wal-get", "--from", sink, name, dest.toString());
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(Files.readAllBytes(dest)).isEqualTo(data);
    // pushed again with the same bytes (an archiver retrying after a crash): accepted
    assertThat(CliTest.cli("wal-push", "--to", sink, segment.toString()).code()).isZero();

    CliTest.Run absent =
        CliTest.cli(
            "wal-get", "--from", sink, "00000001000000000000002B", tmp.resolve("other").toString());
    assertThat(absent.code()).isEqualTo(1);
    assertThat(absent.err()).contains("WAL file 00000001000000000000002B is not in");
    assertThat(tmp.resolve("other")).doesNotExist();
  }

  @Test
  void mirror_withRemove_makesBucketsIdentical_andSecondRunCopiesNothing() throws Exception {
    put("mirror-src", "a.txt", "alpha");
    put("mirror-src", "b.txt", "bravo");
    put("mirror-dst", "b.txt", "BRAVO");
    put("mirror-dst", "stale.txt", "old");

    CliTest.Run dry =
        CliTest.cli(
            "mirror",
            "--from",
            uri("mirror-src", ""),
            "--to",
            uri("mirror-dst", ""),
            "--remove",
            "--dry-run");
    assertThat(dry.out())
        .contains("COPY   a.txt")
        .contains("COPY   b.txt")
        .contains("REMOVE stale.txt");
    assertThat(get("mirror-dst", "stale.txt")).isEqualTo("old");

    CliTest.Run run =
        CliTest.cli(
            "mirror",
            "--from",
            uri("mirror-src", ""),
            "--to",
            uri("mirror-dst", ""),
            "--remove",
            "--force",
            "--json");
    assertThat(run.code()).as(run.err()).isZero();
    assertThat(Json.MAPPER.readTree(run.out()).get("copied").asInt()).isEqualTo(2);
    assertThat(get("mirror-dst", "b.txt")).isEqualTo("bravo");

    CliTest.Run again =
        CliTest.cli(
            "mirror",
            "--from",
            uri("mirror-src", ""),
            "--to",
            uri("mirror-dst", ""),
            "--remove",
            "--json");
    assertThat(Json.MAPPER.readTree(again.out()).get("copied").asInt()).isZero();
    assertThat(Json.MAPPER.readTree(again.out()).get("removed").asInt()).isZero();
  }

  @Test
  void mirror_intoAPrefixOverlappingTheSource_isRefused_andNothingMoves() throws Exception {
    put("mirror-src", "data/a.txt", "alpha");
    put("mirror-src", "top.txt", "top");

    CliTest.Run run =
        CliTest.cli(
            "mirror",
            "--from",
            uri("mirror-src", "data/"),
            "--to",
            uri("mirror-src", ""),
            "--remove",
            "--force");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("overlap: one holds the other in the same bucket");
    assertThat(get("mirror-src", "data/a.txt")).isEqualTo("alpha");
    assertThat(get("mirror-src", "top.txt")).isEqualTo("top");

    // one server however its endpoint is spelled; prefixes side by side do not overlap
    assertThat(
            MirrorCommand.sameServer(
                java.net.URI.create("http://MinIO:80/"), java.net.URI.create("http://minio")))
        .isTrue();
    assertThat(
            MirrorCommand.sameServer(
                java.net.URI.create("http://minio:9000"), java.net.URI.create("http://minio:9001")))
        .isFalse();
    CliTest.Run beside =
        CliTest.cli(
            "mirror",
            "--from",
            uri("mirror-src", "data"),
            "--to",
            uri("mirror-src", "data-old"),
            "--json");
    assertThat(beside.code()).as(beside.err()).isZero();
    assertThat(get("mirror-src", "data-old/a.txt")).isEqualTo("alpha");
  }

  @Test
  void s3Sink_missingCredentials_failsClearly() {
    String secret = System.clearProperty("aws.secretAccessKey");
    try {
      CliTest.Run run = CliTest.cli("list", "--from", uri("backups", "x"));
      assertThat(run.code()).isEqualTo(1);
      assertThat(run.err())
          .contains("S3 credentials missing: set AWS_ACCESS_KEY_ID and" + " AWS_SECRET_ACCESS_KEY");
    } finally {
      System.setProperty("aws.secretAccessKey", secret);
    }
  }

  @Test
  void mirror_massRemoval_namesTheForceFlag() throws Exception {
    put("guard-src", "keep.txt", "k");
    for (int i = 0; i < 4; i++) {
      put("guard-dst", "old-" + i + ".txt", "o");
    }

    CliTest.Run run =
        CliTest.cli(
            "mirror", "--from", uri("guard-src", ""), "--to", uri("guard-dst", ""), "--remove");

    assertThat(run.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err().strip().lines())
        .singleElement()
        .asString()
        .contains("nothing was done")
        .contains("give --force to remove them")
        .doesNotContain("force(true)");
  }

  @Test
  void restoreBucket_intoDifferingObjects_namesTheOverwriteFlag() throws Exception {
    put("differ-src", "a.txt", "new");
    String sink = uri("backups", "differ");
    assertThat(CliTest.cli("backup", "--to", sink, "--bucket", "b=" + uri("differ-src", "")).code())
        .isZero();
    put("differ-dst", "a.txt", "old");

    CliTest.Run run =
        CliTest.cli("restore", "--from", sink, "--bucket", "b=" + uri("differ-dst", ""));

    assertThat(run.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err().strip().lines())
        .singleElement()
        .asString()
        .contains("nothing was written")
        .contains("give --overwrite")
        .doesNotContain("OverwritePolicy");
  }

  private static void put(String bucket, String key, String text) throws Exception {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    client()
        .putObject(
            PutObjectArgs.builder().bucket(bucket).object(key).stream(
                    new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
  }

  private static String get(String bucket, String key) throws Exception {
    try (var in = client().getObject(GetObjectArgs.builder().bucket(bucket).object(key).build())) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static MinioClient client() {
    return s3.client();
  }
}
