package com.avnology.backup.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.VolumeTarget;
import com.avnology.backup.retention.PruneReport;
import com.avnology.backup.retention.Pruner;
import com.avnology.backup.retention.RetentionPolicy;
import com.avnology.backup.s3.testing.S3Server;
import com.avnology.backup.testing.LabelledTarget;
import com.avnology.backup.testing.RegimeScenario;
import com.avnology.backup.testing.RegimeScenario.Published;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three simulated weeks of the runbook's regime on an S3 sink (S3Proxy): a real bucket backed up
 * nightly, a real directory weekly, and a labelled database target every 6 hours (retention reads
 * manifests only; the database engine would only cost time).
 */
final class RetentionS3Test {
  @TempDir static Path serverDir;
  @TempDir Path tmp;
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
  void prune_threeWeeksKeepDaysTen_keepsExactlyTheSetsOfTheLastTenDays() throws Exception {
    try (S3Sink sink = sink("regime")) {
      RegimeScenario regime = scenario(sink, "branding");

      // shorter than the file-sink test's sixty days (RetentionRegimeTest), which asserts the
      // full regime: every S3 backup lists the sink, and sixty days cost a minute here
      List<Published> published = regime.run(21, RetentionPolicy.days(10), 7, Instant.MAX);
      PruneReport report =
          Pruner.builder(sink, RetentionPolicy.days(10)).clock(regime.clock()).build().prune();

      assertThat(published.size()).isGreaterThanOrEqualTo(21 * 4 + 21 + 3);
      assertThat(RegimeScenario.sets(sink))
          .containsExactlyElementsOf(RegimeScenario.keptByDays(published, 21, 10))
          .hasSizeLessThan(published.size());
      assertThat(report.kept())
          .allSatisfy(d -> assertThat(d.reasons()).contains("keep-days 10: younger than 10 days"));
      assertThat(sink.listObjects("sets/")).isEmpty();
    }
  }

  @Test
  void prune_everyBackupOfTheLastFiveDaysFailed_keepsTheNewestGoodSetOfEachTarget()
      throws Exception {
    try (S3Sink sink = sink("outage")) {
      RegimeScenario regime = scenario(sink, "logos");
      Instant outage = RegimeScenario.end(10).minus(Duration.ofDays(5));

      List<Published> published = regime.run(10, RetentionPolicy.days(3), 10, outage);
      Pruner.builder(sink, RetentionPolicy.builder().days(3).last(0).build())
          .clock(regime.clock())
          .build()
          .prune();

      Map<String, Published> newest = new LinkedHashMap<>();
      published.forEach(p -> newest.put(p.target(), p));
      assertThat(newest).hasSize(3);
      assertThat(RegimeScenario.sets(sink))
          .containsExactlyInAnyOrderElementsOf(
              newest.values().stream().map(p -> p.target() + "@" + p.at()).toList());
    }
  }

  private RegimeScenario scenario(S3Sink sink, String bucket) throws Exception {
    server.bucket(bucket);
    byte[] logo = "PNG logo".getBytes(UTF_8);
    server
        .client()
        .putObject(
            PutObjectArgs.builder().bucket(bucket).object("logo.png").stream(
                    new ByteArrayInputStream(logo), logo.length, -1)
                .build());
    Path certs = Files.createDirectories(tmp.resolve("letsencrypt"));
    Files.writeString(certs.resolve("fullchain.pem"), "-----BEGIN CERTIFICATE-----\n");
    return new RegimeScenario(
        sink,
        LabelledTarget.of("postgres", "app"),
        BucketTarget.of(bucket, server.async(), bucket),
        VolumeTarget.of("certs", certs));
  }

  private static S3Sink sink(String name) {
    return S3Sink.builder(server.endpoint(), server.bucket("backups-" + name))
        .credentials(S3Credentials.of(S3Server.ACCESS_KEY, S3Server.SECRET_KEY))
        .build();
  }
}
