package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.OryFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The real Ory Kratos, Keto and Hydra schemas (found through ORY_FIXTURES; skipped without it),
 * filled with generated rows, through our backup and our restore — and through pg_restore.
 */
final class OryRoundTripTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"kratos", "keto", "hydra"})
  void backupRestore_orySchema_sameSchemaAndData(String project) {
    String source = filled(project);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).jobs(2).build())
        .sink(sink)
        .compression(Compression.zstd(3))
        .build()
        .run();
    String target = EmbeddedPg.createDatabase(project + "_dst");
    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).jobs(2).build())
        .build()
        .execute();

    Fidelity.assertSameDatabase(source, target);
  }

  @Test
  void pgRestore_restoresOurKratosArchive() {
    String source = filled("kratos");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult result =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .compression(Compression.gzip(6))
            .build()
            .run();
    String target = EmbeddedPg.createDatabase("kratos_pgr");

    Fidelity.runTool(
        "pg_restore",
        "--exit-on-error",
        "-d",
        target,
        sink.root().resolve("sets").resolve(result.setId()).resolve("postgres/main").toString());

    Fidelity.assertSameDatabase(source, target);
  }

  private static String filled(String project) {
    OryFixtures.requireDirectory();
    String db = EmbeddedPg.createDatabase(project);
    OryFixtures.loadSchema(project, db);
    OryFixtures.FillReport report = OryFixtures.fillWithRows(db, 25);
    assertThat(report.rowsInserted()).isPositive();
    return db;
  }
}
