package com.avnology.backup.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.testing.LabelledTarget;
import com.avnology.backup.testing.RegimeScenario;
import com.avnology.backup.testing.SimClock;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class PrunerTest {
  @TempDir Path tmp;
  FileSystemSink sink;
  SimClock clock = new SimClock(RegimeScenario.START);

  @BeforeEach
  void sink() {
    sink = FileSystemSink.of(tmp.resolve("sink"));
  }

  @Test
  void prune_keepLastZero_keepsOnlyTheNewestGoodSetAndSkipsADamagedNewerOne() throws IOException {
    BackupTarget db = LabelledTarget.of("postgres", "app");
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      ids.add(backup(db, Duration.ofHours(6L * i)));
    }
    flipByte(sink.root().resolve("sets").resolve(ids.get(3)).resolve("postgres/app.txt"));

    PruneReport report = Pruner.builder(sink, RetentionPolicy.last(0)).clock(clock).build().prune();

    assertThat(sink.list()).containsExactly(ids.get(2));
    assertThat(report.kept())
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.reasons())
                    .containsExactly(
                        "newest good set of postgres/app (published, every artifact verified)"));
    assertThat(report.deleted())
        .extracting(PruneReport.Decision::setId)
        .containsExactly(ids.get(3), ids.get(1), ids.get(0));
  }

  @Test
  void dryRun_namesTheRuleOfEverySet_andDeletesNothing() {
    BackupTarget db = LabelledTarget.of("postgres", "app");
    BackupTarget certs = LabelledTarget.of("volume", "certs");
    String oldDb = backup(db, Duration.ZERO);
    String oldCerts = backup(certs, Duration.ofHours(1));
    String newDb = backup(db, Duration.ofDays(10));
    clock.set(RegimeScenario.START.plus(Duration.ofDays(11)));

    PruneReport report =
        Pruner.builder(sink, RetentionPolicy.days(5)).clock(clock).build().dryRun();

    assertThat(sink.list()).containsExactlyInAnyOrder(oldDb, oldCerts, newDb);
    assertThat(report.dryRun()).isTrue();
    assertThat(report.policy()).isEqualTo("keep-days 5");
    assertThat(report.sets())
        .extracting(PruneReport.Decision::setId)
        .containsExactly(newDb, oldCerts, oldDb);
    assertThat(report.sets().get(0).reasons())
        .containsExactly(
            "keep-days 5: younger than 5 days",
            "newest good set of postgres/app (published, every artifact verified)");
    assertThat(report.sets().get(1).reasons())
        .containsExactly("newest good set of volume/certs (published, every artifact verified)");
    assertThat(report.sets().get(2).keep()).isFalse();
    assertThat(report.sets().get(2).reasons())
        .containsExactly(
            "no rule of keep-days 5 keeps it,"
                + " and a newer good set of each of its targets exists");
  }

  @Test
  void prune_dailyWeeklyMonthly_keepsTheNewestSetOfEachPeriod() {
    BackupTarget db = LabelledTarget.of("postgres", "app");
    // one set a day at 12:00 from Thu 2026-01-01 to Fri 2026-04-10 (100 days)
    for (int day = 0; day < 100; day++) {
      backup(db, Duration.ofDays(day).plusHours(12));
    }
    RetentionPolicy gfs = RetentionPolicy.builder().daily(3).weekly(3).monthly(3).build();

    PruneReport report = Pruner.builder(sink, gfs).clock(clock).build().prune();

    assertThat(RegimeScenario.sets(sink))
        .containsExactly(
            "postgres/app@2026-02-28T12:00:00Z", // monthly: February (January is a fourth month)
            "postgres/app@2026-03-29T12:00:00Z", // weekly: Sunday of 2026-W13
            "postgres/app@2026-03-31T12:00:00Z", // monthly: March
            "postgres/app@2026-04-05T12:00:00Z", // weekly: Sunday of 2026-W14
            "postgres/app@2026-04-08T12:00:00Z", // daily
            "postgres/app@2026-04-09T12:00:00Z", // daily
            "postgres/app@2026-04-10T12:00:00Z"); // daily, weekly W15, monthly April, newest
    assertThat(report.kept().get(0).reasons())
        .containsExactly(
            "keep-daily 3: newest of day 2026-04-10",
            "keep-weekly 3: newest of week 2026-W15",
            "keep-monthly 3: newest of month 2026-04",
            "newest good set of postgres/app (published, every artifact verified)");
  }

  @Test
  void prune_physicalChains_keepAFullWithItsIncrementals_andExpireWalBeforeTheOldestKept() {
    // weekly full, daily incrementals building on the previous set; WAL segment n per day n
    String[] previous = {null};
    String[] fullOfWeek = {null};
    List<String> ids = new ArrayList<>();
    for (int day = 0; day < 21; day++) {
      int d = day;
      String segment = String.format("%08X%08X%08X", 1, 0, d + 1);
      Instant at = RegimeScenario.START.plus(Duration.ofDays(day));
      Map<String, String> meta =
          new java.util.HashMap<>(
              Map.of(
                  "timeline",
                  "1",
                  "wal_first",
                  segment,
                  "stop_time",
                  at.plusSeconds(60).toString()));
      if (d % 7 != 0) {
        meta.put("parent", previous[0]);
      }
      String id =
          backup(new LabelledTarget("physical", "cluster", () -> meta), Duration.ofDays(day));
      if (d % 7 == 0) {
        fullOfWeek[0] = id;
      }
      previous[0] = id;
      ids.add(id);
      sink.putObjectIfAbsent(
          "wal/00000001/" + segment + ".zst", new ByteArrayInputStream(new byte[] {1}));
    }
    sink.putObjectIfAbsent(
        "wal/00000001/00000002.history.zst", new ByteArrayInputStream(new byte[] {1}));
    clock.set(RegimeScenario.START.plus(Duration.ofDays(21)));

    // keep-days 10 keeps days 12..20 (days 11 and 12's sets start after the cutoff at day 11),
    // the base backup for recovery to the window's start (day 10, an incremental), and the chain
    // each of them builds on back to the full of day 7
    PruneReport report =
        Pruner.builder(sink, RetentionPolicy.days(10)).clock(clock).build().prune();

    List<String> kept = new ArrayList<>(ids.subList(7, 21));
    java.util.Collections.reverse(kept);
    assertThat(sink.list()).containsExactlyElementsOf(kept);
    assertThat(report.kept().get(report.kept().size() - 1).reasons())
        .anySatisfy(r -> assertThat(r).startsWith("chain: incremental " + ids.get(8)));
    assertThat(report.walKeptFrom()).contains("000000010000000000000008");
    assertThat(report.walExpired()).hasSize(7).first().isEqualTo("000000010000000000000001");
    assertThat(sink.listObjects("wal/"))
        .hasSize(14 + 1)
        .startsWith("wal/00000001/000000010000000000000008.zst")
        .endsWith("wal/00000001/00000002.history.zst");
  }

  @Test
  void policy_badValues_areRefusedNamingTheRule() {
    assertThatThrownBy(() -> RetentionPolicy.builder().weekly(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("retention keep-weekly cannot be negative: -1; give 0 or more");
    assertThatThrownBy(() -> RetentionPolicy.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "a retention policy needs at least one rule: days, last, daily, weekly or"
                + " monthly (last(0) keeps only the newest good set)");
    assertThat(RetentionPolicy.builder().days(30).last(3).monthly(6).build())
        .hasToString("keep-days 30, keep-last 3, keep-monthly 6")
        .isEqualTo(RetentionPolicy.builder().monthly(6).last(3).days(30).build());
  }

  private String backup(BackupTarget target, Duration sinceStart) {
    clock.set(RegimeScenario.START.plus(sinceStart));
    return Backup.builder().target(target).sink(sink).clock(clock).build().run().setId();
  }

  private static void flipByte(Path file) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      int b = raf.read();
      raf.seek(0);
      raf.write(b ^ 0xff);
    }
    assertThat(Files.size(file)).isPositive();
  }
}
