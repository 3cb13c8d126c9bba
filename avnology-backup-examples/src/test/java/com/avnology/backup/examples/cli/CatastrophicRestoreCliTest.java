package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runbook's catastrophic loss as one command: database, bucket and volume from one set (in that
 * order), migrations to the latest version, the built-in healthcheck and the stack's health URL; a
 * failing health URL fails the command.
 */
final class CatastrophicRestoreCliTest {
  @TempDir static Path shared;
  static EmbeddedS3 s3;
  static EmbeddedPostgres pg;
  static HttpServer health;
  static final AtomicInteger status = new AtomicInteger(200);
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new EmbeddedS3(Files.createDirectories(shared.resolve("s3")));
    System.setProperty("aws.accessKeyId", s3.accessKey);
    System.setProperty("aws.secretAccessKey", s3.secretKey);
    s3.bucket("branding");
    pg = TestPg.start("cli-catastrophe");
    health = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    health.createContext(
        "/health",
        ex -> {
          ex.sendResponseHeaders(status.get(), -1);
          ex.close();
        });
    health.start();
  }

  @AfterAll
  static void stop() throws Exception {
    health.stop(0);
    pg.close();
    s3.close();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  private static String bucketUri() {
    return "s3://branding/?endpoint=" + s3.endpoint();
  }

  private static MinioClient minio() {
    return MinioClient.builder()
        .endpoint(s3.endpoint().toString())
        .credentials(s3.accessKey, s3.secretKey)
        .build();
  }

  @Test
  void lostStack_restoredWithOneCommand_migratedAndChecked() throws Exception {
    TestPg.exec(pg, "postgres", "CREATE DATABASE stack");
    TestPg.exec(
        pg,
        "stack",
        "CREATE TABLE organizations (id int PRIMARY KEY, logo text);"
            + " INSERT INTO organizations SELECT g, 'org-' || g || '/logo.png'"
            + " FROM generate_series(1, 50) g");
    byte[] logo = "png bytes".getBytes(StandardCharsets.UTF_8);
    minio()
        .putObject(
            PutObjectArgs.builder().bucket("branding").object("org-1/logo.png").stream(
                    new ByteArrayInputStream(logo), logo.length, -1)
                .build());
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    Files.writeString(certs.resolve("fullchain.pem"), "-----BEGIN CERTIFICATE-----\n");
    String sink = "file:" + tmp.resolve("backups");
    CliTest.Run backup =
        CliTest.cli(
            "backup",
            "--postgres",
            TestPg.url(pg, "stack"),
            "--bucket",
            "branding=" + bucketUri(),
            "--volume",
            "certs=" + certs,
            "--to",
            sink);
    assertThat(backup.code()).as(backup.err()).isZero();
    Path migrations = Files.createDirectories(tmp.resolve("migrations"));
    Files.writeString(
        migrations.resolve("V2__slug.sql"),
        "ALTER TABLE organizations ADD COLUMN slug text; UPDATE organizations SET slug = 'o' || id;");

    // the loss: a new, empty database server side, the bucket emptied, the volume gone
    TestPg.exec(pg, "postgres", "CREATE DATABASE stack_new");
    minio()
        .removeObject(
            RemoveObjectArgs.builder().bucket("branding").object("org-1/logo.png").build());
    Files.delete(certs.resolve("fullchain.pem"));
    Files.delete(certs);

    String healthUrl = "http://127.0.0.1:" + health.getAddress().getPort() + "/health";
    CliTest.Run dry =
        CliTest.cli(
            "restore",
            "--from",
            sink,
            "--postgres",
            TestPg.url(pg, "stack_new"),
            "--volume",
            "certs=" + certs,
            "--bucket",
            "branding=" + bucketUri(),
            "--migrate",
            "filesystem:" + migrations,
            "--baseline-version",
            "1",
            "--healthcheck",
            "--healthcheck-url",
            healthUrl,
            "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out())
        .containsSubsequence(
            "1. postgres/main", "2. bucket/branding", "3. volume/certs", "4. migrations");

    CliTest.Run restore =
        CliTest.cli(
            "restore",
            "--from",
            sink,
            "--postgres",
            TestPg.url(pg, "stack_new"),
            "--volume",
            "certs=" + certs,
            "--bucket",
            "branding=" + bucketUri(),
            "--migrate",
            "filesystem:" + migrations,
            "--baseline-version",
            "1",
            "--healthcheck",
            healthUrl);
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(restore.out())
        .containsSubsequence("postgres/main", "bucket/branding", "volume/certs")
        .contains("check migrations: 1 applied, now at version 2")
        .contains("check GET " + healthUrl);
    assertThat(
            TestPg.query(
                pg, "stack_new", "SELECT count(*) || ' ' || count(slug)" + " FROM organizations"))
        .isEqualTo("50 50");
    try (var in =
        minio()
            .getObject(
                GetObjectArgs.builder().bucket("branding").object("org-1/logo.png").build())) {
      assertThat(in.readAllBytes()).isEqualTo(logo);
    }
    assertThat(certs.resolve("fullchain.pem")).hasContent("-----BEGIN CERTIFICATE-----");

    // the stack does not come up: the plan fails, and says the data stays
    status.set(503);
    TestPg.exec(pg, "postgres", "CREATE DATABASE stack_again");
    Path certs2 = tmp.resolve("certs2");
    CliTest.Run unhealthy =
        CliTest.cli(
            "restore",
            "--from",
            sink,
            "--postgres",
            TestPg.url(pg, "stack_again"),
            "--volume",
            "certs=" + certs2,
            "--healthcheck-url",
            healthUrl);
    assertThat(unhealthy.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(unhealthy.err())
        .contains("healthcheck failed")
        .contains("503")
        .contains("the restored data stays");
  }
}
