package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.VolumeTarget;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.s3.S3Credentials;
import com.avnology.backup.s3.S3Sink;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database and a volume backed up to a real S3 server (S3Proxy) and restored from it. */
final class PostgresS3RoundTripTest {
  @TempDir Path tmp;

  @Test
  void backupToS3_databaseAndVolume_restoreIdentically() throws Exception {
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
        URI endpoint = URI.create("http://127.0.0.1:" + proxy.getPort());
        MinioClient.builder()
            .endpoint(endpoint.toString())
            .credentials("access", "secret-for-test")
            .build()
            .makeBucket(MakeBucketArgs.builder().bucket("offsite").build());
        roundTrip(
            S3Sink.builder(endpoint, "offsite")
                .credentials(S3Credentials.of("access", "secret-for-test"))
                .prefix("prod")
                .build());
      } finally {
        proxy.stop();
      }
    }
  }

  private void roundTrip(S3Sink sink) throws Exception {
    String source = Fidelity.createAllKindsDatabase("s3src");
    Path volume = Files.createDirectories(tmp.resolve("certs/live"));
    Files.writeString(volume.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----\n");
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).jobs(2).build())
        .target(VolumeTarget.of("certs", tmp.resolve("certs")))
        .sink(sink)
        .build()
        .run();

    String target = EmbeddedPg.createDatabase("s3dst");
    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).jobs(2).build())
        .volume("certs", tmp.resolve("restored"))
        .build()
        .execute();

    Fidelity.assertSameDatabase(source, target);
    assertThat(tmp.resolve("restored/live/cert.pem")).hasContent("-----BEGIN CERTIFICATE-----");
  }
}
