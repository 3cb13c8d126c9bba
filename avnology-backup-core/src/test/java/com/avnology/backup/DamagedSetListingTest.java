package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A set with a garbage manifest is listed as damaged, and {@code latest} is the newest set a
 * listing shows as good: no command skips a set that another one takes.
 */
final class DamagedSetListingTest {
  @TempDir Path tmp;
  FileSystemSink sink;
  String older;
  String newer;

  @BeforeEach
  void twoSetsTheNewerWithAGarbageManifest() throws Exception {
    sink = FileSystemSink.of(tmp.resolve("sink"));
    older = backup("older", Instant.parse("2026-01-01T00:00:00Z"));
    newer = backup("newer", Instant.parse("2026-01-02T00:00:00Z"));
    Files.writeString(tmp.resolve("sink/sets/" + newer + "/manifest.json"), "garbage{\n  x");
  }

  @Test
  void entries_garbageManifest_isListedAsDamagedWithAOneLineReason() {
    var entries = BackupCatalog.of(sink).entries();

    assertThat(entries).extracting(BackupCatalog.Entry::id).containsExactly(newer, older);
    assertThat(entries.get(0).damaged()).isTrue();
    assertThat(entries.get(0).manifest()).isEmpty();
    assertThat(entries.get(0).damage().orElseThrow())
        .startsWith("manifest of set " + newer + " is malformed (Unrecognized token 'garbage':")
        .endsWith("): the set cannot be trusted; restore another set")
        .doesNotContain("\n");
    assertThat(entries.get(1).damaged()).isFalse();
    assertThat(entries.get(1).manifest().orElseThrow().id()).isEqualTo(older);
  }

  @Test
  void latest_newestSetDamaged_isTheNewestGoodSet_andRestoreTakesIt() throws Exception {
    BackupCatalog catalog = BackupCatalog.of(sink);
    assertThat(catalog.latest()).contains(older);
    assertThat(catalog.list()).extracting(Manifest::id).containsExactly(older);

    var plan = RestorePlan.builder(sink).latest().volume("data", tmp.resolve("out")).build();
    assertThat(plan.resolveSetId()).isEqualTo(older);
    plan.execute();
    assertThat(Files.readString(tmp.resolve("out/a.txt"))).isEqualTo("older");
  }

  private String backup(String content, Instant at) throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data-" + content));
    Files.writeString(data.resolve("a.txt"), content);
    return Backup.builder()
        .target(VolumeTarget.of("data", data))
        .sink(sink)
        .clock(Clock.fixed(at.plus(Duration.ZERO), ZoneOffset.UTC))
        .build()
        .run()
        .setId();
  }
}
