package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Handing a database over: {@code backup --format custom --to s3://… --presign}. */
final class S3ExportCliTest {
  @TempDir static Path shared;
  static EmbeddedS3 s3;
  static EmbeddedPostgres pg;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new EmbeddedS3(Files.createDirectories(shared.resolve("s3")));
    System.setProperty("aws.accessKeyId", s3.accessKey);
    System.setProperty("aws.secretAccessKey", s3.secretKey);
    s3.bucket("exports");
    Path sockets =
        Files.createDirectories(
            Path.of(System.getProperty("java.io.tmpdir"), "cli-export-sockets"));
    pg =
        EmbeddedPostgres.builder()
            .setServerConfig("unix_socket_directories", sockets.toString())
            .start();
    exec("postgres", "CREATE DATABASE app; CREATE DATABASE copy");
    exec(
        "app",
        "CREATE TABLE t (id int PRIMARY KEY, note text);"
            + " CREATE TABLE u (id int); CREATE INDEX ON t (note);"
            + " INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 5000) g;"
            + " INSERT INTO u SELECT generate_series(1, 10)");
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
    s3.close();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  @Test
  void backupCustomToS3_withPresign_givesOneUrlToOneDump() throws Exception {
    String to = "s3://exports/handover/app.dump?endpoint=" + s3.endpoint();

    CliTest.Run run =
        CliTest.cli(
            "backup",
            "--format",
            "custom",
            "--postgres",
            url("app"),
            "--to",
            to,
            "--presign",
            "24h",
            "--json");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode json = Json.MAPPER.readTree(run.out());
    assertThat(json.get("presigned").isTextual()).as(run.out()).isTrue();
    byte[] dump =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(json.get("presigned").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray())
            .body();
    assertThat(new String(Arrays.copyOf(dump, 5), StandardCharsets.US_ASCII)).isEqualTo("PGDMP");
    assertThat((long) dump.length).isEqualTo(json.get("size").asLong());
    Path file = Files.write(tmp.resolve("app.dump"), dump);
    CliTest.Run restore =
        CliTest.cli("restore", "--from-dump", file.toString(), "--postgres", url("copy"));
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(count("copy", "SELECT count(*) FROM t")).isEqualTo(5000);
    assertThat(count("copy", "SELECT count(*) FROM u")).isEqualTo(10);

    CliTest.Run again =
        CliTest.cli("backup", "--format", "custom", "--postgres", url("app"), "--to", to);
    assertThat(again.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(again.err()).contains("exists already; choose another key or delete the object");
  }

  @Test
  void backupCustomToS3_failingDatabase_leavesNoObject() throws Exception {
    String to = "s3://exports/handover/missing.dump?endpoint=" + s3.endpoint();

    CliTest.Run run =
        CliTest.cli(
            "backup",
            "--format",
            "custom",
            "--postgres",
            url("no_such_db"),
            "--to",
            to,
            "--presign",
            "1h");

    assertThat(run.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err()).contains("no_such_db");
    assertThat(
            s3.client()
                .listObjects(
                    io.minio.ListObjectsArgs.builder()
                        .bucket("exports")
                        .prefix("handover/missing")
                        .build()))
        .isEmpty();
  }

  private static String url(String db) {
    return TestPg.url(pg, db);
  }

  private static void exec(String db, String sql) throws Exception {
    TestPg.exec(pg, db, sql);
  }

  private static long count(String db, String sql) throws Exception {
    return Long.parseLong(TestPg.query(pg, db, sql));
  }
}
