package com.avnology.backup.examples.seeding;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.seeding.DatabaseSnapshot;
import com.avnology.backup.postgres.seeding.Seed;
import com.avnology.backup.postgres.seeding.SeededDatabase;
import com.avnology.backup.postgres.seeding.SeedingExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Migrations run once for the class; every test method gets its own migrated database. */
final class MigrationsSeedingTest {
  @RegisterExtension
  static final SeedingExtension db =
      SeedingExtension.of(
          () ->
              DatabaseSnapshot.builder(Servers.jdbcUrl())
                  .prefix("ex_migrations")
                  .seed(Seed.migrations("classpath:db/seeding"))
                  .build());

  @BeforeEach
  void addUser(DataSource ds) throws SQLException {
    exec(ds, "INSERT INTO accounts (email) VALUES ('before-each@example.com')");
  }

  @Test
  void signUp_newEmail_storedBesideTheSeededAdmin(SeededDatabase seeded) throws SQLException {
    exec(seeded.dataSource(), "INSERT INTO accounts (email) VALUES ('new@example.com')");

    assertThat(count(seeded.dataSource())).isEqualTo(3);
    assertThat(seeded.name()).startsWith("ex_migrations_");
  }

  @Test
  void anotherTest_seesNoRowsOfTheFirst(DataSource ds) throws SQLException {
    assertThat(count(ds)).isEqualTo(2);
  }

  static long count(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM accounts")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static void exec(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
