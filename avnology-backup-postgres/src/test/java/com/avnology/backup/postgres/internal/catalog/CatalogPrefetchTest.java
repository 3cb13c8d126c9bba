package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The catalog's largest queries run ahead on a second connection on the same snapshot. */
final class CatalogPrefetchTest {
  static String db;

  @BeforeAll
  static void allKinds() {
    db = Fidelity.createAllKindsDatabase("prefetch");
  }

  @Test
  void readWithThePrefetch_takesEveryResult_andEqualsTheReadWithout() throws SQLException {
    try (Connection leader = EmbeddedPg.dataSource(db).getConnection();
        Connection helper = EmbeddedPg.dataSource(db).getConnection()) {
      dumpSession(leader, null);
      dumpSession(helper, snapshot(leader));
      Catalog plain = CatalogReader.read(leader, CatalogOptions.all());
      CatalogPrefetch prefetch = prefetch(leader);
      prefetch.run(helper);
      prefetch.await();

      Catalog ahead = CatalogReader.read(leader, CatalogOptions.all(), prefetch);

      assertThat(prefetch.allTaken()).isTrue();
      assertThat(ahead.entries()).isNotEmpty().isEqualTo(plain.entries());
      assertThat(ahead.tables()).isEqualTo(plain.tables());
    }
  }

  @Test
  void skipped_theReaderRunsEveryQueryItself() throws SQLException {
    try (Connection leader = EmbeddedPg.dataSource(db).getConnection()) {
      dumpSession(leader, null);
      Catalog plain = CatalogReader.read(leader, CatalogOptions.all());
      CatalogPrefetch prefetch = prefetch(leader);
      prefetch.skip();

      Catalog read = CatalogReader.read(leader, CatalogOptions.all(), prefetch);

      assertThat(prefetch.allTaken()).isFalse();
      assertThat(read.entries()).isEqualTo(plain.entries());
    }
  }

  @Test
  void aQueryThatFailedAhead_failsTheRead_withTheServersError() throws SQLException {
    try (Connection leader = EmbeddedPg.dataSource(db).getConnection();
        Connection helper = EmbeddedPg.dataSource(db).getConnection()) {
      dumpSession(leader, null);
      dumpSession(helper, snapshot(leader));
      try (Statement s = helper.createStatement()) {
        s.execute("SELECT 1 / 0");
      } catch (SQLException expected) {
        // the helper's transaction is aborted: every query run ahead fails
      }
      CatalogPrefetch prefetch = prefetch(leader);
      prefetch.run(helper);

      assertThatThrownBy(() -> CatalogReader.read(leader, CatalogOptions.all(), prefetch))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("current transaction is aborted");
      prefetch.closeUntaken();
    }
  }

  private static CatalogPrefetch prefetch(Connection c) throws SQLException {
    return CatalogPrefetch.forServer(c.getMetaData().getDatabaseMajorVersion());
  }

  /** A backup's session: the dump transaction, on {@code snapshot} if not null. */
  private static void dumpSession(Connection c, String snapshot) throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      if (snapshot != null) {
        s.execute("SET TRANSACTION SNAPSHOT '" + snapshot + "'");
      }
    }
    CatalogReader.setUpSession(c);
  }

  private static String snapshot(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
