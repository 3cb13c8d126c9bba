package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.BackupException;
import com.avnology.backup.RestoreDescription;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.sun.net.httpserver.HttpServer;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.UploadObjectArgs;
import io.minio.http.Method;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The managed → self-hosted move: pg_dump's archives and scripts, compressed as a whole or not,
 * from a local file, an HTTP server that breaks transfers off, and a presigned S3 URL; restored
 * with fidelity, migrated, checked; truncated sources write nothing.
 */
final class ImportPlanTest {
  @TempDir Path tmp;
  HttpServer http;

  /** Responses still to cut off after a third of their body. */
  final AtomicInteger breakOffs = new AtomicInteger();

  /** Whether every response is cut off (a source that never arrives whole). */
  volatile boolean alwaysBreak;

  final AtomicInteger rangeRequests = new AtomicInteger();
  Path served;

  @BeforeEach
  void serve() throws IOException {
    http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    http.createContext(
        "/",
        exchange -> {
          byte[] all = Files.readAllBytes(served);
          String range = exchange.getRequestHeaders().getFirst("Range");
          int from = 0;
          if (range != null) {
            Matcher m = Pattern.compile("bytes=(\\d+)-").matcher(range);
            if (m.matches()) {
              from = Integer.parseInt(m.group(1));
              rangeRequests.incrementAndGet();
            }
          }
          int length = all.length - from;
          exchange.getResponseHeaders().set("ETag", "\"v1\"");
          exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
          if (from > 0) {
            exchange
                .getResponseHeaders()
                .set("Content-Range", "bytes " + from + "-" + (all.length - 1) + "/" + all.length);
          }
          exchange.sendResponseHeaders(from > 0 ? 206 : 200, length);
          OutputStream out = exchange.getResponseBody();
          if (alwaysBreak || breakOffs.getAndDecrement() > 0) {
            out.write(all, from, length / 3);
            out.flush();
            // a broken connection: close the socket without finishing the body
            exchange.close();
            return;
          }
          out.write(all, from, length);
          out.close();
        });
    http.start();
  }

  @AfterEach
  void stop() {
    http.stop(0);
  }

  private URI url(String name) {
    return URI.create(
        "http://127.0.0.1:"
            + http.getAddress().getPort()
            + "/"
            + name
            + "?X-Amz-Signature=secretsignature123");
  }

  private static PostgresTarget target(String db) {
    return PostgresTarget.builder(EmbeddedPg.dataSource(db)).build();
  }

  private Path pgDump(String db, String format, String name) {
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump " + " is older than the server");
    Path out = tmp.resolve(name);
    Fidelity.runTool("pg_dump", "-F" + format, "-f", out.toString(), "-d", db);
    return out;
  }

  private static Path gzip(Path file) throws IOException {
    Path gz = file.resolveSibling(file.getFileName() + ".gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(file, out);
    }
    return gz;
  }

  @Test
  void customGzip_overHttpThatBreaksOff_resumesAndRestoresIdentically() throws Exception {
    String source = Fidelity.createAllKindsDatabase("imsrc");
    served = gzip(pgDump(source, "c", "app.dump"));
    breakOffs.set(2);
    String target = EmbeddedPg.createDatabase("imdst");

    RestoreResult r =
        ImportPlan.builder(url("app-20260417.dump.gz"))
            .into(target(target))
            .retries(4, Duration.ofMillis(10))
            .workDirectory(tmp)
            .build()
            .execute();

    Fidelity.assertSameDatabase(source, target);
    assertThat(rangeRequests.get()).as("resumed with range requests").isEqualTo(2);
    assertThat(r.checks())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.ok()).isTrue();
              assertThat(c.detail()).contains("rows as in the source");
            });
    assertThat(r.setId()).doesNotContain("secretsignature123");
    assertThat(leftovers()).as("temporary files deleted").isZero();
  }

  @Test
  void plainScript_andSqlGz_restoreIdentically() throws Exception {
    String source = Fidelity.createAllKindsDatabase("plsrc");
    Path sql = pgDump(source, "p", "app.sql");

    String a = EmbeddedPg.createDatabase("pla");
    ImportPlan.builder(sql).into(target(a)).build().execute();
    Fidelity.assertSameDatabase(source, a);

    String b = EmbeddedPg.createDatabase("plb");
    ImportPlan.builder(gzip(sql).toUri()).into(target(b)).build().execute();
    Fidelity.assertSameDatabase(source, b);
  }

  @Test
  void plainScript_clean_replacesWhatTheDatabaseHeld() throws Exception {
    String source = Fidelity.createAllKindsDatabase("clsrc");
    Path sql = pgDump(source, "p", "clean.sql");
    String target = Fidelity.createAllKindsDatabase("cldst");
    Fidelity.applySql("CREATE TABLE public.left_over (id int); CREATE SCHEMA junk;", target);

    assertThatThrownBy(() -> ImportPlan.builder(sql).into(target(target)).build().execute())
        .hasMessageContaining("is not empty")
        .hasMessageContaining("clean()");

    ImportPlan.builder(sql)
        .into(PostgresTarget.builder(EmbeddedPg.dataSource(target)).clean().build())
        .build()
        .execute();
    Fidelity.assertSameDatabase(source, target);
  }

  @Test
  void customArchive_fromPresignedS3Url_thenMigratedToLatest() throws Exception {
    String source = EmbeddedPg.createDatabase("mgsrc");
    Path v1 = Files.createDirectories(tmp.resolve("migrations"));
    Files.writeString(
        v1.resolve("V1__orgs.sql"),
        "CREATE TABLE orgs (id int PRIMARY KEY, name text);"
            + " INSERT INTO orgs SELECT g, 'org ' || g FROM generate_series(1, 500) g;");
    Migrations.builder(EmbeddedPg.dataSource(source))
        .locations("filesystem:" + v1)
        .build()
        .migrate();
    Path dump = tmp.resolve("managed.dump");
    PgDumpArchive.export(target(source), dump, com.avnology.backup.Compression.gzip(6));
    Files.writeString(
        v1.resolve("V2__orgs_slug.sql"),
        "ALTER TABLE orgs ADD COLUMN slug text; UPDATE orgs SET slug = 'o' || id;");

    Properties p = new Properties();
    p.setProperty(
        "jclouds.filesystem.basedir", Files.createDirectories(tmp.resolve("s3")).toString());
    try (BlobStoreContext ctx =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(p)
            .build(BlobStoreContext.class)) {
      S3Proxy proxy =
          S3Proxy.builder()
              .blobStore(ctx.getBlobStore())
              .endpoint(URI.create("http://127.0.0.1:0"))
              .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, "access", "secret-for-test")
              .build();
      proxy.start();
      while (!proxy.getState().equals("STARTED")) {
        Thread.sleep(5);
      }
      try {
        MinioClient minio =
            MinioClient.builder()
                .endpoint("http://127.0.0.1:" + proxy.getPort())
                .credentials("access", "secret-for-test")
                .build();
        minio.makeBucket(MakeBucketArgs.builder().bucket("exports").build());
        minio.uploadObject(
            UploadObjectArgs.builder()
                .bucket("exports")
                .object("app.dump")
                .filename(dump.toString())
                .build());
        URI presigned =
            URI.create(
                minio.getPresignedObjectUrl(
                    GetPresignedObjectUrlArgs.builder()
                        .method(Method.GET)
                        .bucket("exports")
                        .object("app.dump")
                        .expiry(600)
                        .build()));
        String target = EmbeddedPg.createDatabase("mgdst");

        RestoreResult r =
            ImportPlan.builder(presigned)
                .into(target(target))
                .migrate("filesystem:" + v1)
                .build()
                .execute();

        assertThat(r.checks())
            .extracting(c -> c.name() + " " + c.ok())
            .containsExactly("postgres/main rows true", "migrations true");
        assertThat(
                Migrations.builder(EmbeddedPg.dataSource(target))
                    .locations("filesystem:" + v1)
                    .build()
                    .currentVersion())
            .contains("2");
        assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(target)).get("public.orgs"))
            .startsWith("rows=500 ");
      } finally {
        proxy.stop();
      }
    }
  }

  @Test
  void truncatedDownload_failsAndWritesNothing() throws Exception {
    String source = Fidelity.createAllKindsDatabase("trsrc");
    served = pgDump(source, "c", "tr.dump");
    alwaysBreak = true;
    String target = EmbeddedPg.createDatabase("trdst");

    assertThatThrownBy(
            () ->
                ImportPlan.builder(url("tr.dump"))
                    .into(target(target))
                    .retries(3, Duration.ofMillis(10))
                    .workDirectory(tmp)
                    .build()
                    .execute())
        .isInstanceOf(com.avnology.backup.StorageException.class)
        .hasMessageContaining("failed after 3 attempts")
        .hasMessageContaining("nothing was written to the database")
        .hasMessageNotContaining("secretsignature123");
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(target))).isEmpty();
    assertThat(leftovers()).isZero();
  }

  @Test
  void truncatedFiles_gzipScriptAndArchive_failBeforeWritingAnything() throws Exception {
    String source = Fidelity.createAllKindsDatabase("tfsrc");
    Path sql = pgDump(source, "p", "tf.sql");
    Path dump = pgDump(source, "c", "tf.dump");
    Path gz = gzip(dump);
    for (Path f : new Path[] {sql, dump, gz}) {
      try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
        raf.setLength(raf.length() * 2 / 3);
      }
    }
    String target = EmbeddedPg.createDatabase("tfdst");
    for (Path f : new Path[] {sql, dump, gz}) {
      assertThatThrownBy(() -> ImportPlan.builder(f).into(target(target)).build().execute())
          .as(f.toString())
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("nothing was written to the database");
    }
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(target))).isEmpty();
  }

  @Test
  void describe_saysWhatItWouldDo_andWritesNothing() throws Exception {
    String source = EmbeddedPg.createDatabase("dssrc");
    Fidelity.applySql(
        "CREATE TABLE a (id int); INSERT INTO a SELECT generate_series(1, 70);"
            + " CREATE TABLE b (id int); INSERT INTO b VALUES (1), (2);",
        source);
    Path sql = pgDump(source, "p", "ds.sql");
    String target = EmbeddedPg.createDatabase("dsdst");

    RestoreDescription d =
        ImportPlan.builder(sql).into(target(target)).migrate("classpath:none").build().describe();

    assertThat(d.steps())
        .extracting(RestoreDescription.Step::target)
        .containsExactly("postgres/main", "migrations", "healthcheck");
    assertThat(d.steps().get(0).source()).contains("plain SQL script, 2 tables, 72 rows");
    assertThat(d.steps().get(0).destination()).contains("must be empty");
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(target))).isEmpty();
  }

  @Test
  void notADump_isRefusedByName() throws Exception {
    Path f = tmp.resolve("photo.png");
    Files.write(f, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, 0, 1});
    assertThatThrownBy(
            () ->
                ImportPlan.builder(f)
                    .into(target(EmbeddedPg.createDatabase("nd")))
                    .build()
                    .execute())
        .hasMessageContaining("neither a pg_dump archive")
        .hasMessageContaining("photo.png");
    assertThatThrownBy(() -> ImportPlan.builder(URI.create("ftp://host/x.dump")))
        .hasMessageContaining("http(s) URL or a file");
  }

  private long leftovers() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("avnology-import")).count();
    }
  }
}
