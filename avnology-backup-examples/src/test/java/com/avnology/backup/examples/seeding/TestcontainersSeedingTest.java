package com.avnology.backup.examples.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.seeding.DatabaseSnapshot;
import com.avnology.backup.postgres.seeding.Seed;
import com.avnology.backup.postgres.seeding.SeedingExtension;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The same on a Testcontainers {@code PostgreSQLContainer}: only its JDBC URL and credentials are
 * needed. Skipped ("Docker is not available" / disabledWithoutDocker) where there is no Docker.
 */
@Testcontainers(disabledWithoutDocker = true)
final class TestcontainersSeedingTest {
  @Container
  static final PostgreSQLContainer<?> postgres = new PostgreSQLContainer<>("postgres:16-alpine");

  @RegisterExtension
  static final SeedingExtension db =
      SeedingExtension.of(
          () ->
              DatabaseSnapshot.builder(postgres.getJdbcUrl())
                  .user(postgres.getUsername())
                  .password(postgres.getPassword())
                  .prefix("ex_container")
                  .seed(Seed.migrations("classpath:db/seeding"))
                  .build());

  @Test
  void signUp_inContainer_ownDatabase(DataSource ds) throws SQLException {
    MigrationsSeedingTest.exec(ds, "INSERT INTO accounts (email) VALUES ('c@example.com')");

    assertThat(MigrationsSeedingTest.count(ds)).isEqualTo(2);
  }

  @Test
  void secondTest_seesOnlyTheSeed(DataSource ds) throws SQLException {
    assertThat(MigrationsSeedingTest.count(ds)).isEqualTo(1);
  }
}
