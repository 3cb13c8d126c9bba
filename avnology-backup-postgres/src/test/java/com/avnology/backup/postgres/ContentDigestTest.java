package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.HealthCheck;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.internal.ManifestCodec;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.SetTampering;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-table content digests recorded at backup time: a restore of every kind of column reads back
 * the same digests; a set whose rows were rewritten, with the manifest's sizes and SHA-256s updated
 * to match, still fails the healthcheck.
 */
final class ContentDigestTest {
  @TempDir Path tmp;

  @Test
  void allKinds_restoredContent_matchesTheDigestsTheBackupRecorded() throws Exception {
    String source = Fidelity.createAllKindsDatabase("cdsrc");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult backup =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .build()
            .run();
    String target = EmbeddedPg.createDatabase("cddst");

    RestoreResult r =
        RestorePlan.builder(sink)
            .latest()
            .healthcheck()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build())
            .build()
            .execute();

    assertThat(r.checks())
        .extracting(HealthCheck::name)
        .containsExactly("postgres/main rows", "postgres/main content");
    assertThat(r.checks()).allMatch(HealthCheck::ok);
    Manifest manifest =
        ManifestCodec.read(
            backup.setId(),
            Files.readAllBytes(
                sink.root().resolve("sets").resolve(backup.setId()).resolve("manifest.json")));
    long digests =
        manifest.targets().get(0).metadata().keySet().stream()
            .filter(k -> k.startsWith("content."))
            .count();
    assertThat(digests)
        .isEqualTo(
            manifest.targets().get(0).metadata().keySet().stream()
                .filter(k -> k.startsWith("rows."))
                .count())
        .isGreaterThan(10);
    assertThat(r.checks().get(1).detail()).matches("\\d+ tables hold the rows the backup read");
  }

  @Test
  void rowsRewritten_withMatchingArtifactHashes_failTheContentCheck() throws Exception {
    String source = EmbeddedPg.createDatabase("cdtsrc");
    Fidelity.applySql(
        "CREATE TABLE accounts (id int PRIMARY KEY, balance numeric);"
            + " INSERT INTO accounts SELECT g, g * 10 FROM generate_series(1, 100) g;",
        source);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult backup =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .compression(Compression.none())
            .build()
            .run();
    Path set = sink.root().resolve("sets").resolve(backup.setId());

    // the attacker's (or the bug's) version: same row count, one balance changed, and the
    // manifest's size and SHA-256 of that artifact updated to match
    assertThat(SetTampering.rewriteRows(set, backup.setId(), "\n7\t70\n", "\n7\t7000000\n"))
        .isOne();
    assertThat(com.avnology.backup.BackupCatalog.of(sink).verify(backup.setId()).ok())
        .as("every artifact hash matches")
        .isTrue();

    String target = EmbeddedPg.createDatabase("cdtdst");
    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .healthcheck()
                    .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build())
                    .build()
                    .execute())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("healthcheck failed")
        .hasMessageContaining(
            "postgres/main content: of 1 tables, public.accounts differs from"
                + " what the backup read");
  }
}
