package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

final class UnsupportedObjectsTest {
  @TempDir Path tmp;

  /** Transforms were refused until they were dumped: now one is backed up and restored. */
  @Test
  void backup_databaseWithTransform_restoresIt() throws Exception {
    String db = EmbeddedPg.createDatabase("transform");
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE t (id int);"
              + " CREATE TRANSFORM FOR int LANGUAGE sql (FROM SQL WITH FUNCTION"
              + " prsd_lextype(internal), TO SQL WITH FUNCTION int4recv(internal))");
    }
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(db)).build())
        .sink(sink)
        .build()
        .run();
    String target = EmbeddedPg.createDatabase("transformdst");

    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build())
        .build()
        .execute();

    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(target))).containsKey("public.t");
    try (Connection c = EmbeddedPg.dataSource(target).getConnection();
        Statement s = c.createStatement();
        var rs = s.executeQuery("SELECT count(*) FROM pg_transform")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }
  }

  /** A subscription only a superuser can read: the backup fails naming it, nothing published. */
  @Test
  void backup_subscriptionUnreadableByTheRole_failsNamingItAndPublishesNothing() throws Exception {
    Assumptions.assumeTrue(
        EmbeddedPg.majorVersion() >= 14,
        "pg_read_all_data (the reading role) exists from PostgreSQL 14 on");
    String db = EmbeddedPg.createDatabase("unsub");
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'uo_reader')"
              + " THEN CREATE ROLE uo_reader LOGIN; END IF; END $$;"
              + " GRANT pg_read_all_data TO uo_reader;"
              + " CREATE TABLE t (id int);"
              + " CREATE SUBSCRIPTION uo_sub CONNECTION 'dbname=nowhere' PUBLICATION p"
              + " WITH (connect = false)");
    }
    PGSimpleDataSource asReader = new PGSimpleDataSource();
    asReader.setUrl(EmbeddedPg.jdbcUrl(db));
    asReader.setUser("uo_reader");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup =
        Backup.builder().target(PostgresTarget.builder(asReader).build()).sink(sink).build();

    try {
      assertThatThrownBy(backup::run)
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("holds objects this version cannot back up yet: subscription")
          .hasMessageContaining("uo_sub")
          .hasMessageContaining("; nothing was published");
      assertThat(sink.list()).isEmpty();
    } finally {
      try (Connection c = EmbeddedPg.dataSource(db).getConnection();
          Statement s = c.createStatement()) {
        s.execute("ALTER SUBSCRIPTION uo_sub SET (slot_name = NONE); DROP SUBSCRIPTION uo_sub");
      }
    }
  }
}
