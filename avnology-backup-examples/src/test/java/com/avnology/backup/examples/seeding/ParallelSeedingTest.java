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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * 100 test methods, 4 at a time (junit-platform.properties: fixed parallelism 4): each writes into
 * its own copy and sees only its own writes; afterwards no copy is left on the server.
 */
@Execution(ExecutionMode.CONCURRENT)
final class ParallelSeedingTest {
  private static final AtomicInteger running = new AtomicInteger();
  private static final AtomicInteger mostAtOnce = new AtomicInteger();
  private static final Set<String> names = ConcurrentHashMap.newKeySet();

  @RegisterExtension
  static final SeedingExtension db =
      SeedingExtension.of(
          () ->
              DatabaseSnapshot.builder(Servers.jdbcUrl())
                  .prefix("ex_parallel")
                  .seed(Seed.migrations("classpath:db/seeding"))
                  .build());

  @RepeatedTest(100)
  void write_parallelTests_eachSeesOnlyItsOwnRows(RepetitionInfo rep, SeededDatabase seeded)
      throws Exception {
    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      names.add(seeded.name());
      String mine = "t" + rep.getCurrentRepetition() + "@example.com";
      MigrationsSeedingTest.exec(
          seeded.dataSource(), "INSERT INTO accounts (email) VALUES ('" + mine + "')");
      Thread.sleep(20); // overlap with the other three

      assertThat(emails(seeded)).containsExactlyInAnyOrder("admin@example.com", mine);
    } finally {
      running.decrementAndGet();
    }
  }

  @AfterAll
  static void allCopiesDropped() {
    assertThat(names).hasSize(100);
    assertThat(mostAtOnce.get()).isBetween(2, 4);
    assertThat(Servers.databases(Servers.jdbcUrl(), "ex\\_parallel\\_%\\_c%")).isEmpty();
  }

  private static List<String> emails(SeededDatabase seeded) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = seeded.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT email FROM accounts")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }
}
