package com.avnology.backup.examples.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.postgres.seeding.DatabaseSnapshot;
import com.avnology.backup.postgres.seeding.Seed;
import com.avnology.backup.postgres.seeding.SeededDatabase;
import com.avnology.backup.postgres.seeding.SeedingExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tests seeded from a real backup set (here one made on the spot from a production-like database;
 * in a project, the set a nightly backup wrote), one copy per class.
 */
final class BackupSetSeedingTest {
  @RegisterExtension
  static final SeedingExtension db =
      SeedingExtension.builder(
              () ->
                  DatabaseSnapshot.builder(Servers.jdbcUrl())
                      .prefix("ex_backupset")
                      .seed(Seed.backupSet(FileSystemSink.of(productionBackup())))
                      .build())
          .perClass()
          .build();

  @Test
  void report_countsTheAccountsOfTheBackup(SeededDatabase seeded) throws SQLException {
    assertThat(MigrationsSeedingTest.count(seeded.dataSource())).isEqualTo(51);
  }

  private static Path productionBackup() {
    try (DatabaseSnapshot production =
            DatabaseSnapshot.builder(Servers.jdbcUrl())
                .prefix("ex_production")
                .seed(
                    Seed.migrations("classpath:db/seeding"),
                    Seed.statements(
                        "INSERT INTO accounts (email) SELECT 'user' || g || '@example.com'"
                            + " FROM generate_series(1, 50) g"))
                .build();
        SeededDatabase live = production.copy()) {
      Path root = Files.createTempDirectory("backups");
      Backup.builder()
          .target(PostgresTarget.builder(live.dataSource()).build())
          .sink(FileSystemSink.of(root))
          .build()
          .run();
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
