package com.avnology.backup.postgres.physical;

import static com.avnology.backup.postgres.physical.PhysicalTesting.query;
import static com.avnology.backup.postgres.physical.PhysicalTesting.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.Compression;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.VerifyResult;
import com.avnology.backup.s3.S3Credentials;
import com.avnology.backup.s3.S3Sink;
import io.minio.GetObjectArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Full ← incremental of a real server into an S3 sink (S3Proxy), with a {@link WalStreamer}
 * archiving the WAL into the same bucket and prefix: the chain verifies, the archive has no gap and
 * serves its segments, and the incremental restored into a new directory starts with the rows it
 * held; a part of the parent set deleted from the bucket is named by verify and stops the restore
 * before it writes anything.
 *
 * <p>No archive_command or restore_command here: each runs a JVM per WAL file, 2-5 s apiece on a
 * busy 2-core machine, which made the test 60 s; they store and fetch through the same {@link
 * WalArchive} calls made here in-process ({@link PhysicalRecoveryTest} runs them on files).
 */
final class PhysicalS3ChainTest {
  private static final String BUCKET = "pitr";
  private static final String ACCESS = "access-for-test";
  private static final String SECRET = "secret-for-test-Lq3v";

  @TempDir static Path dir;
  private static BlobStoreContext blobs;
  private static S3Proxy proxy;
  private static MinioClient client;
  private static S3Sink sink;
  private static EmbeddedPostgres source;
  private static String full;
  private static String incr;
  private static final AtomicBoolean stopStreaming = new AtomicBoolean();
  private static CompletableFuture<WalStreamer.Result> streaming;

  @BeforeAll
  static void fullThenIncrementalIntoTheBucket() throws Exception {
    URI endpoint = startS3();
    client =
        MinioClient.builder().endpoint(endpoint.toString()).credentials(ACCESS, SECRET).build();
    client.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
    sink =
        S3Sink.builder(endpoint, BUCKET)
            .credentials(S3Credentials.of(ACCESS, SECRET))
            .prefix("prod/")
            .build();
    Path data = dir.resolve("source");
    source = server(data, true);
    WalStreamer streamer =
        WalStreamer.builder(
                "jdbc:postgresql://localhost:" + source.getPort() + "/postgres?user=postgres",
                WalArchive.of(sink))
            .slot("s3")
            .createSlot(true)
            .build();
    streaming = CompletableFuture.supplyAsync(() -> streamer.run(stopStreaming::get));
    sql(
        source,
        "CREATE TABLE big (id int PRIMARY KEY, v text NOT NULL)",
        "INSERT INTO big SELECT g, repeat('x', 50) || g FROM generate_series(1, 40000) g",
        "CREATE TABLE t (tag text NOT NULL)",
        "INSERT INTO t SELECT 'full' FROM generate_series(1, 1000)",
        "CHECKPOINT");
    Thread.sleep(1100); // the unchanged files' times settle before the full starts
    full = backup(data, false);
    sql(source, "INSERT INTO t SELECT 'incr' FROM generate_series(1, 100)", "CHECKPOINT");
    incr = backup(data, true);
    sql(source, "INSERT INTO t SELECT 'after' FROM generate_series(1, 10)");
    String last = query(source, "SELECT pg_walfile_name(pg_current_wal_insert_lsn())").get(0);
    sql(source, "SELECT pg_switch_wal()");
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!WalArchive.of(sink).contains(last)) {
      assertThat(streaming).as("streamer running").isNotDone();
      assertThat(System.nanoTime()).as("%s streamed within 30 s", last).isLessThan(deadline);
      Thread.sleep(50);
    }
    stopStreaming.set(true);
    assertThat(streaming.get(30, TimeUnit.SECONDS).segments()).isPositive();
  }

  @AfterAll
  static void stop() throws Exception {
    stopStreaming.set(true);
    if (source != null) {
      source.close();
    }
    if (sink != null) {
      sink.close();
    }
    if (proxy != null) {
      proxy.stop();
    }
    if (blobs != null) {
      blobs.close();
    }
  }

  @Test
  void incrementalInTheBucket_verifiesWithItsParent_andRestoresIntoANewDirectory()
      throws Exception {
    Manifest.Target target =
        BackupCatalog.of(sink).manifest(incr).target("physical", "cluster").orElseThrow();
    assertThat(target.metadata())
        .containsEntry("backup_type", "incremental")
        .containsEntry("parent", full);
    assertThat(Long.parseLong(target.metadata().get("files_referenced"))).isPositive();
    VerifyResult verified = BackupCatalog.of(sink).verify(incr);
    assertThat(verified.failures()).isEmpty();
    assertThat(verified.checks())
        .extracting(c -> c.artifact().path())
        .anyMatch(p -> p.startsWith(full + "/physical/cluster.part-"))
        .anyMatch(p -> p.startsWith("physical/cluster.part-"));
    WalArchive archive = WalArchive.of(sink);
    WalGaps.Report gaps = WalGaps.check(BackupCatalog.of(sink), archive);
    assertThat(gaps.ok()).as(gaps.summary()).isTrue();
    assertThat(gaps.segments()).isGreaterThanOrEqualTo(4);
    String walLast = target.metadata().get("wal_last");
    Path fetched = dir.resolve("fetched");
    assertThat(archive.get(walLast, fetched)).isTrue();
    assertThat(fetched).hasSize(16 << 20);

    Path restored = dir.resolve("restored");
    RestorePlan.builder(sink)
        .set(incr)
        .target(PhysicalTarget.builder(restored).build())
        .build()
        .execute();

    try (EmbeddedPostgres pg = server(restored, false)) {
      assertThat(query(pg, "SELECT tag || '=' || count(*) FROM t GROUP BY tag ORDER BY tag"))
          .containsExactly("full=1000", "incr=100");
      assertThat(query(pg, "SELECT count(*)::text FROM big")).containsExactly("40000");
    }
  }

  @Test
  void partOfTheParentDeletedFromTheBucket_isNamedByVerify_andTheRestoreWritesNothing()
      throws Exception {
    String part = "physical/cluster.part-0.tar.zst";
    String key = "prod/sets/" + full + "/" + part;
    byte[] bytes;
    try (InputStream in =
        client.getObject(GetObjectArgs.builder().bucket(BUCKET).object(key).build())) {
      bytes = in.readAllBytes();
    }
    client.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object(key).build());
    try {
      VerifyResult result = BackupCatalog.of(sink).verify(incr);

      assertThat(result.failures())
          .extracting(c -> c.artifact().path() + " " + c.problem())
          .containsExactly(full + "/" + part + " is missing");
      Path target = dir.resolve("restored-broken");
      assertThatThrownBy(
              () ->
                  RestorePlan.builder(sink)
                      .set(incr)
                      .target(PhysicalTarget.builder(target).build())
                      .build()
                      .execute())
          .isInstanceOf(IntegrityException.class)
          .hasMessageContaining(
              "set "
                  + incr
                  + " is damaged, nothing was restored: "
                  + full
                  + "/"
                  + part
                  + " is missing");
      assertThat(target).doesNotExist();
    } finally {
      client.putObject(
          PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                  new ByteArrayInputStream(bytes), bytes.length, -1)
              .build());
    }
  }

  private static String backup(Path data, boolean incremental) {
    PhysicalTarget.Builder target = PhysicalTarget.builder(source.getPostgresDatabase(), data);
    if (incremental) {
      target.incremental();
    }
    return Backup.builder()
        .target(target.build())
        .sink(sink)
        .compression(Compression.zstd(1))
        .build()
        .run()
        .setId();
  }

  private static URI startS3() throws Exception {
    Properties p = new Properties();
    p.setProperty(
        "jclouds.filesystem.basedir", Files.createDirectories(dir.resolve("s3")).toString());
    blobs =
        ContextBuilder.newBuilder("filesystem")
            .credentials("identity", "credential")
            .overrides(p)
            .build(BlobStoreContext.class);
    proxy =
        S3Proxy.builder()
            .blobStore(blobs.getBlobStore())
            .endpoint(URI.create("http://127.0.0.1:0"))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
            .build();
    proxy.start();
    while (!proxy.getState().equals("STARTED")) {
      Thread.sleep(5);
    }
    return URI.create("http://127.0.0.1:" + proxy.getPort());
  }

  private static EmbeddedPostgres server(Path data, boolean fresh) throws IOException {
    Path sockets = Files.createDirectories(dir.resolve("sockets"));
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(fresh)
        .setServerConfig("unix_socket_directories", sockets.toString())
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }
}
