package com.avnology.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.BackupSink;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.VolumeTarget;
import com.avnology.backup.testing.LabelledTarget;
import com.avnology.backup.testing.RegimeScenario;
import com.avnology.backup.testing.RegimeScenario.Published;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sixty simulated days of the runbook's regime on a file sink (the S3 module runs the same on
 * S3Proxy): the database and bucket targets are labelled stand-ins (retention reads manifests
 * only), the volume is a real directory.
 */
final class RetentionRegimeTest {
  @TempDir Path tmp;

  @Test
  void prune_sixtyDaysKeepDaysThirty_keepsExactlyTheSetsOfTheLastThirtyDays() throws IOException {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    RegimeScenario regime = scenario(sink);

    List<Published> published = regime.run(60, RetentionPolicy.days(30), 1, Instant.MAX);
    Pruner pruner = Pruner.builder(sink, RetentionPolicy.days(30)).clock(regime.clock()).build();
    PruneReport last = pruner.prune();

    List<String> expected = RegimeScenario.keptByDays(published, 60, 30);
    assertThat(expected).hasSize(30 * 4 + 30 + 4);
    assertThat(RegimeScenario.sets(sink)).containsExactlyElementsOf(expected);
    assertThat(published).hasSize(60 * 4 + 60 + 9);
    assertThat(last.kept())
        .allSatisfy(d -> assertThat(d.reasons()).contains("keep-days 30: younger than 30 days"));
  }

  @Test
  void prune_everyBackupOfTheLastFiveDaysFailed_keepsTheNewestGoodSetOfEachTarget()
      throws IOException {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    RegimeScenario regime = scenario(sink);
    Instant outage = RegimeScenario.end(20).minus(Duration.ofDays(5));

    List<Published> published = regime.run(20, RetentionPolicy.days(3), 1, outage);
    PruneReport report =
        Pruner.builder(sink, RetentionPolicy.days(3)).clock(regime.clock()).build().prune();

    Map<String, Published> newest = new LinkedHashMap<>();
    published.forEach(p -> newest.put(p.target(), p));
    assertThat(newest.values()).allSatisfy(p -> assertThat(p.at()).isBefore(outage));
    assertThat(RegimeScenario.sets(sink))
        .containsExactlyInAnyOrderElementsOf(
            newest.values().stream().map(p -> p.target() + "@" + p.at()).toList());
    assertThat(report.kept())
        .allSatisfy(
            d ->
                assertThat(d.reasons())
                    .singleElement()
                    .asString()
                    .startsWith("newest good set of " + d.targets().get(0)));
  }

  private RegimeScenario scenario(BackupSink sink) throws IOException {
    Path certs = Files.createDirectories(tmp.resolve("letsencrypt"));
    Files.writeString(certs.resolve("fullchain.pem"), "-----BEGIN CERTIFICATE-----\n");
    return new RegimeScenario(
        sink,
        LabelledTarget.of("postgres", "app"),
        LabelledTarget.of("bucket", "branding"),
        VolumeTarget.of("certs", certs));
  }
}
