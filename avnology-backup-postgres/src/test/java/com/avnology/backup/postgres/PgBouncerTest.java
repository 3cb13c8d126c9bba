package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.PgBouncer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Backup, restore (parallel, one transaction), import, tenant restore and migrations through a real
 * PgBouncer 1.18, in transaction and session pooling, with the JDBC URL a user would write (no
 * {@code prepareThreshold=0}); twice in a row, since pooler collisions show up on reuse.
 */
final class PgBouncerTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"transaction", "session"})
  void backupRestoreImportMigrate_throughPgBouncer(String poolMode) throws Exception {
    String source = Fidelity.createAllKindsDatabase("pgbsrc");
    try (PgBouncer bouncer = PgBouncer.start(poolMode)) {
      for (int round = 1; round <= 2; round++) {
        FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink" + round));
        Backup.builder()
            .target(PostgresTarget.builder(bouncer.dataSource(source)).jobs(2).build())
            .sink(sink)
            .build()
            .run();

        String parallel = EmbeddedPg.createDatabase("pgbpar");
        RestorePlan.builder(sink)
            .latest()
            .target(PostgresTarget.builder(bouncer.dataSource(parallel)).jobs(2).build())
            .build()
            .execute();
        Fidelity.assertSameDatabase(source, parallel);

        // from JDBC URLs, as the command line runs: data sources of the library's own (no
        // prepared statements; the restore in simple query mode)
        FileSystemSink fromUrl = FileSystemSink.of(tmp.resolve("url" + round));
        Backup.builder()
            .target(PostgresTarget.builder(bouncer.jdbcUrl(source)).jobs(2).build())
            .sink(fromUrl)
            .build()
            .run();
        String viaUrl = EmbeddedPg.createDatabase("pgburl");
        RestorePlan.builder(fromUrl)
            .latest()
            .target(PostgresTarget.builder(bouncer.jdbcUrl(viaUrl)).jobs(2).build())
            .build()
            .execute();
        Fidelity.assertSameDatabase(source, viaUrl);
        assertNothingLeftOnServerSessions(bouncer, viaUrl);

        // a clean restore over the restored database: one transaction
        RestorePlan.builder(sink)
            .latest()
            .target(PostgresTarget.builder(bouncer.dataSource(parallel)).jobs(2).clean().build())
            .build()
            .execute();
        Fidelity.assertSameDatabase(source, parallel);
        assertNothingLeftOnServerSessions(bouncer, parallel);

        Path dump = tmp.resolve("export" + round + ".dump");
        PgDumpArchive.export(
            PostgresTarget.builder(bouncer.dataSource(source)).build(),
            dump,
            com.avnology.backup.Compression.gzip(1));
        String imported = EmbeddedPg.createDatabase("pgbimp");
        ImportPlan.builder(dump)
            .into(PostgresTarget.builder(bouncer.dataSource(imported)).build())
            .build()
            .execute();
        Fidelity.assertSameDatabase(source, imported);

        if (Fidelity.pgDumpUsable()) {
          Path sql = tmp.resolve("plain" + round + ".sql");
          Fidelity.runTool("pg_dump", "-Fp", "-f", sql.toString(), "-d", source);
          String plain = EmbeddedPg.createDatabase("pgbpl");
          ImportPlan.builder(sql)
              .into(PostgresTarget.builder(bouncer.dataSource(plain)).build())
              .build()
              .execute();
          Fidelity.assertSameDatabase(source, plain);
        }

        // one organization deleted and brought back from the nightly dump, through the pooler
        String saas = EmbeddedPg.createDatabase("pgbten");
        Fidelity.applySql(Fidelity.resource("/fixtures/tenants.sql"), saas);
        java.util.Map<String, String> before = Fidelity.tableHashes(EmbeddedPg.dataSource(saas));
        Path nightly = tmp.resolve("tenants" + round + ".dump");
        PgDumpArchive.export(
            PostgresTarget.builder(bouncer.dataSource(saas)).build(),
            nightly,
            com.avnology.backup.Compression.gzip(1));
        Fidelity.applySql(
            "DELETE FROM saas.organizations WHERE slug = 'acme';"
                + " DELETE FROM saas.audit_log WHERE org_slug = 'acme';",
            saas);
        TenantRestorePlan.builder(
                PgDumpArchive.open(nightly),
                PostgresTarget.builder(bouncer.dataSource(saas)).build())
            .root("saas.organizations", "slug", "acme")
            .filter("saas.audit_log", "org_slug", "acme")
            .build()
            .execute();
        assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(saas))).isEqualTo(before);

        Path migrations = Files.createDirectories(tmp.resolve("m" + round));
        Files.writeString(migrations.resolve("V1__a.sql"), "CREATE TABLE m_a (id int);");
        Files.writeString(migrations.resolve("V2__b.sql"), "INSERT INTO m_a VALUES (1), (2);");
        String migrated = EmbeddedPg.createDatabase("pgbmig");
        MigrationResult m =
            Migrations.builder(bouncer.dataSource(migrated))
                .locations("filesystem:" + migrations)
                .build()
                .migrate();
        assertThat(m.toString()).contains("2");
        assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(migrated)).get("public.m_a"))
            .startsWith("rows=2 ");
      }
    }
  }

  /**
   * The application's connections through the pooler get server sessions our restore used: none may
   * carry its settings (search_path, synchronous_commit, check_function_bodies …).
   */
  private static void assertNothingLeftOnServerSessions(PgBouncer bouncer, String database)
      throws Exception {
    String query =
        "SELECT current_setting('search_path') || ' ' ||"
            + " current_setting('synchronous_commit') || ' ' ||"
            + " current_setting('check_function_bodies') || ' ' ||"
            + " current_setting('default_table_access_method') || ' ' ||"
            + " current_setting('maintenance_work_mem')";
    String defaults;
    try (java.sql.Connection c = EmbeddedPg.dataSource(database).getConnection();
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs = s.executeQuery(query)) {
      rs.next();
      defaults = rs.getString(1);
    }
    java.util.List<java.sql.Connection> open = new java.util.ArrayList<>();
    try {
      for (int i = 0; i < 4; i++) { // the pool's size: every server session is handed out
        java.sql.Connection c = bouncer.dataSource(database).getConnection();
        open.add(c);
        c.setAutoCommit(false);
        try (java.sql.Statement s = c.createStatement();
            java.sql.ResultSet rs = s.executeQuery(query)) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo(defaults);
        }
      }
    } finally {
      for (java.sql.Connection c : open) {
        c.close();
      }
    }
  }
}
