package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.jdbc.PreferQueryMode;

/** Restores from a JDBC URL run in PgJDBC's simple query mode, unless the URL chooses one. */
final class JdbcUrlsTest {
  @TempDir Path tmp;

  @Test
  void restoreDataSource_simpleQueryMode_unlessTheUrlChoosesOne() {
    assertThat(
            JdbcUrls.restoreDataSource("jdbc:postgresql://h/db?user=u", "pw").getPreferQueryMode())
        .isEqualTo(PreferQueryMode.SIMPLE);
    assertThat(JdbcUrls.restoreDataSource("jdbc:postgresql://h/db?user=u", "pw").getPassword())
        .isEqualTo("pw");
    assertThat(
            JdbcUrls.restoreDataSource("jdbc:postgresql://h/db?preferQueryMode=extended", null)
                .getPreferQueryMode())
        .isEqualTo(PreferQueryMode.EXTENDED);
    // what backups and other work use stays on the driver's default
    assertThat(JdbcUrls.dataSource("jdbc:postgresql://h/db?user=u").getPreferQueryMode())
        .isEqualTo(PreferQueryMode.EXTENDED);
  }

  @Test
  void restoreFromAUrl_allKindsAndALargeObject_sameDatabase() throws SQLException {
    String source = Fidelity.createAllKindsDatabase("urlsrc");
    try (Connection c = EmbeddedPg.dataSource(source).getConnection();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_catalog.lo_from_bytea(424242, '\\x0102ff'::bytea)");
      s.execute("COMMENT ON LARGE OBJECT 424242 IS 'a large object'");
    }
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).jobs(2).build())
        .sink(sink)
        .build()
        .run();
    String target = EmbeddedPg.createDatabase("urldst");

    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(EmbeddedPg.jdbcUrl(target)).jobs(2).build())
        .build()
        .execute();

    Fidelity.assertSameDatabase(source, target);
    try (Connection c = EmbeddedPg.dataSource(target).getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT pg_catalog.encode(pg_catalog.lo_get(424242), 'hex'),"
                    + " pg_catalog.obj_description(424242, 'pg_largeobject')")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("0102ff");
      assertThat(rs.getString(2)).isEqualTo("a large object");
    }
  }
}
