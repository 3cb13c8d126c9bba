package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.VolumeTarget;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code prune} and {@code status} on a file sink holding sets of two volumes, days apart. */
final class PruneCliTest {
  @TempDir Path tmp;
  String sink;
  List<String> certs = new ArrayList<>();
  List<String> logos = new ArrayList<>();

  @BeforeEach
  void backups() throws IOException {
    Path certsDir = Files.createDirectories(tmp.resolve("certs"));
    Files.writeString(certsDir.resolve("fullchain.pem"), "-----BEGIN CERTIFICATE-----\n");
    Path logosDir = Files.createDirectories(tmp.resolve("logos"));
    Files.writeString(logosDir.resolve("logo.svg"), "<svg/>");
    FileSystemSink fs = FileSystemSink.of(tmp.resolve("backups"));
    Instant start = Instant.now().minus(Duration.ofDays(10));
    for (int day = 0; day < 3; day++) {
      Clock at = Clock.fixed(start.plus(Duration.ofDays(day)), ZoneOffset.UTC);
      certs.add(
          Backup.builder()
              .target(VolumeTarget.of("certs", certsDir))
              .sink(fs)
              .clock(at)
              .build()
              .run()
              .setId());
      Clock later = Clock.offset(at, Duration.ofHours(1));
      logos.add(
          Backup.builder()
              .target(VolumeTarget.of("logos", logosDir))
              .sink(fs)
              .clock(later)
              .build()
              .run()
              .setId());
    }
    sink = "file:" + tmp.resolve("backups");
  }

  @Test
  void prune_keepLastZero_dryRunDeletesNothing_thenKeepsTheNewestGoodSetOfEachTarget() {
    CliTest.Run dry = CliTest.cli("prune", "--from", sink, "--keep-last", "0", "--dry-run");

    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out())
        .startsWith("dry run: keep-last 0 on " + sink)
        .contains(
            "keep   "
                + certs.get(2)
                + "  [volume/certs]  newest good set of volume/certs"
                + " (published, every artifact verified)")
        .contains("DELETE " + certs.get(0) + "  [volume/certs]  no rule of keep-last 0 keeps it")
        .contains("2 sets kept, 4 would be deleted (dry run: nothing was deleted)");
    assertThat(CliTest.cli("list", "--from", sink).out().lines()).hasSize(6);

    CliTest.Run prune = CliTest.cli("prune", "--from", sink, "--keep-last", "0");

    assertThat(prune.code()).as(prune.err()).isZero();
    assertThat(prune.out()).contains("deleted " + logos.get(1)).contains("2 sets kept, 4 deleted");
    assertThat(CliTest.cli("list", "--from", sink).out())
        .contains(certs.get(2))
        .contains(logos.get(2))
        .doesNotContain(certs.get(1))
        .doesNotContain(logos.get(0));
  }

  @Test
  void prune_keepDaysJson_listsEveryDecision() throws IOException {
    CliTest.Run run = CliTest.cli("prune", "--from", sink, "--keep-days", "9", "--json");

    assertThat(run.code()).as(run.err()).isZero();
    JsonNode json = Json.MAPPER.readTree(run.out());
    assertThat(json.get("policy").asText()).isEqualTo("keep-days 9");
    assertThat(json.get("sets")).hasSize(6);
    assertThat(json.at("/sets/0/setId").asText()).isEqualTo(logos.get(2));
    assertThat(json.at("/sets/5/setId").asText()).isEqualTo(certs.get(0));
    assertThat(json.at("/sets/5/keep").asBoolean()).isFalse();
    // logos of day 1 is 8 days 23 hours old, certs of day 1 just over 9 days
    assertThat(json.at("/sets/2/reasons/0").asText())
        .isEqualTo("keep-days 9: younger than 9" + " days");
    assertThat(json.at("/sets/3/setId").asText()).isEqualTo(certs.get(1));
    assertThat(json.at("/sets/3/keep").asBoolean()).isFalse();
    assertThat(CliTest.cli("list", "--from", sink).out().lines()).hasSize(3);
  }

  @Test
  void prune_withoutARuleOrWithANegativeCount_isABadUsage() {
    CliTest.Run none = CliTest.cli("prune", "--from", sink);
    CliTest.Run negative = CliTest.cli("prune", "--from", sink, "--keep-weekly", "-1");

    assertThat(none.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(none.err())
        .contains(
            "no retention rule: give --keep-days, --keep-last, or"
                + " --keep-daily/--keep-weekly/--keep-monthly (--keep-last 0 keeps only the newest good"
                + " set of each target)");
    assertThat(negative.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(negative.err()).contains("--keep-weekly cannot be negative: -1; give 0 or more");
    assertThat(CliTest.cli("list", "--from", sink).out().lines()).hasSize(6);
  }

  @Test
  void status_showsEachTargetsNewestSetAndCount() throws IOException {
    CliTest.Run run = CliTest.cli("status", "--from", sink);
    CliTest.Run json = CliTest.cli("status", "--from", sink, "--json");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out().lines().toList()).hasSize(3);
    assertThat(run.out().lines().toList().get(1))
        .startsWith("volume/certs")
        .contains(" 3  " + certs.get(2));
    JsonNode node = Json.MAPPER.readTree(json.out());
    assertThat(node.at("/targets/1/name").asText()).isEqualTo("logos");
    assertThat(node.at("/targets/1/sets").asInt()).isEqualTo(3);
    assertThat(node.at("/targets/1/newestSetId").asText()).isEqualTo(logos.get(2));
    assertThat(node.at("/targets/1/newestSize").asLong()).isPositive();
    assertThat(node.get("walFiles").asInt()).isZero();
  }
}
