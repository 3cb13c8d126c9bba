package com.avnology.backup.postgres.physical;

import static com.avnology.backup.postgres.physical.PhysicalTesting.archiveEverything;
import static com.avnology.backup.postgres.physical.PhysicalTesting.awaitPromotion;
import static com.avnology.backup.postgres.physical.PhysicalTesting.now;
import static com.avnology.backup.postgres.physical.PhysicalTesting.query;
import static com.avnology.backup.postgres.physical.PhysicalTesting.sql;
import static com.avnology.backup.postgres.physical.PhysicalTesting.walScript;
import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.retention.PruneReport;
import com.avnology.backup.retention.Pruner;
import com.avnology.backup.retention.RetentionPolicy;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention meets point-in-time recovery on a real server (issue 14): three base backups with
 * archived WAL between them, pruned with {@code keep-days} as if the window started between the
 * second and the third; then a recovery to a moment inside the window still works, from the base
 * backup the pruner kept for it and the WAL it did not expire.
 */
final class PruneThenRecoverTest {
  @TempDir Path dir;

  @Test
  void keepDays_keepsTheBaseAndWalThatReachEveryMomentOfTheWindow() throws Exception {
    Path sinkRoot = dir.resolve("sink");
    FileSystemSink sink = FileSystemSink.of(sinkRoot);
    Path data = dir.resolve("source");
    Path script = walScript(dir);
    List<String> sets = new ArrayList<>();
    Instant windowStart;
    Instant target;
    try (EmbeddedPostgres source = server(data, true, "on")) {
      sql(
          source,
          "ALTER SYSTEM SET archive_command = '" + script + " push %p " + sinkRoot + "'",
          "SELECT pg_reload_conf()",
          "CREATE TABLE t (id serial PRIMARY KEY, tag text NOT NULL)");
      sets.add(backup(source, data, sink));
      sql(source, "INSERT INTO t (tag) SELECT 'r0' FROM generate_series(1, 10)");
      sets.add(backup(source, data, sink));
      sql(source, "INSERT INTO t (tag) SELECT 'r1' FROM generate_series(1, 10)");
      windowStart = now(source);
      Thread.sleep(20);
      sql(source, "INSERT INTO t (tag) SELECT 'r2' FROM generate_series(1, 10)");
      target = now(source);
      Thread.sleep(20);
      sql(source, "INSERT INTO t (tag) SELECT 'r3' FROM generate_series(1, 10)");
      sets.add(backup(source, data, sink));
      sql(source, "INSERT INTO t (tag) SELECT 'r4' FROM generate_series(1, 10)");
      archiveEverything(source);
    }
    String walFirstOfKept =
        BackupCatalog.of(sink)
            .manifest(sets.get(1))
            .target("physical", "cluster")
            .orElseThrow()
            .metadata()
            .get("wal_first");
    List<String> walBefore = wal(sink);
    assertThat(walBefore).anyMatch(w -> w.compareTo(walFirstOfKept) < 0);

    Clock clock = Clock.fixed(windowStart.plus(Duration.ofDays(30)), ZoneOffset.UTC);
    PruneReport report =
        Pruner.builder(sink, RetentionPolicy.days(30)).clock(clock).build().prune();

    assertThat(report.deleted())
        .extracting(PruneReport.Decision::setId)
        .containsExactly(sets.get(0));
    assertThat(sink.list()).containsExactlyInAnyOrder(sets.get(1), sets.get(2));
    assertThat(report.kept())
        .filteredOn(d -> d.setId().equals(sets.get(1)))
        .singleElement()
        .satisfies(d -> assertThat(String.join(" ", d.reasons())).contains("keep-days window"));
    assertThat(report.walKeptFrom()).contains(walFirstOfKept);
    assertThat(wal(sink))
        .allMatch(w -> w.compareTo(walFirstOfKept) >= 0)
        .containsAll(walBefore.stream().filter(w -> w.compareTo(walFirstOfKept) >= 0).toList());

    // a moment inside the window: the base backup before it is the one kept for the window
    String base = PhysicalSets.newestBefore(sink, "cluster", target).orElseThrow();
    assertThat(base).isEqualTo(sets.get(1));
    Path restored = dir.resolve("restored");
    RestorePlan.builder(sink)
        .set(base)
        .target(
            PhysicalTarget.builder(restored)
                .restoreCommand(script + " get %f %p " + sinkRoot)
                .recovery(RecoveryTarget.time(target))
                .build())
        .build()
        .execute();
    try (EmbeddedPostgres server = server(restored, false, "off")) {
      awaitPromotion(server);
      assertThat(query(server, "SELECT tag || '=' || count(*) FROM t GROUP BY tag ORDER BY tag"))
          .containsExactly("r0=10", "r1=10", "r2=10");
    }
  }

  private static String backup(EmbeddedPostgres source, Path data, FileSystemSink sink) {
    return Backup.builder()
        .target(PhysicalTarget.builder(source.getPostgresDatabase(), data).build())
        .sink(sink)
        .compression(Compression.zstd(1))
        .build()
        .run()
        .setId();
  }

  private static List<String> wal(FileSystemSink sink) {
    return sink.listObjects("wal/").stream()
        .map(k -> k.substring(k.lastIndexOf('/') + 1))
        .filter(n -> n.endsWith(".zst") && n.length() == 24 + 4)
        .map(n -> n.substring(0, 24))
        .sorted()
        .toList();
  }

  private EmbeddedPostgres server(Path data, boolean fresh, String archiveMode) throws IOException {
    Path sockets = Files.createDirectories(dir.resolve("sockets"));
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(fresh)
        .setServerConfig("unix_socket_directories", sockets.toString())
        .setServerConfig("archive_mode", archiveMode)
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }
}
