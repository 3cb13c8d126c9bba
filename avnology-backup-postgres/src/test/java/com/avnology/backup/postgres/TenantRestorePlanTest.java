package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestoreDescription;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Single-organization restores over the tenant fixture ({@code fixtures/tenants.sql}): acme is
 * deleted (cascading), globex changes after the backup, acme comes back from the set.
 */
final class TenantRestorePlanTest {
  /** What happens to the other tenant after the backup; applied to the expected copy too. */
  static final String GLOBEX_CHANGES =
      """
      UPDATE saas.users SET settings = '{"changed": true}'
        WHERE org_id = (SELECT id FROM saas.organizations WHERE slug = 'globex');
      UPDATE saas.tasks SET done = NOT done, title = title || ' (edited)' WHERE project_id IN
        (SELECT p.id FROM saas.projects p JOIN saas.organizations o ON o.id = p.org_id
         WHERE o.slug = 'globex');
      DELETE FROM saas.comments WHERE body LIKE 'globex project 2 task 1 comment %';
      INSERT INTO saas.audit_log (org_slug, event, at)
        VALUES ('globex', 'after the backup', '2026-02-01 00:00:00+00');\
      """;

  static final String DELETE_ACME =
      "DELETE FROM saas.organizations WHERE slug = 'acme';"
          + " DELETE FROM saas.audit_log WHERE org_slug = 'acme';";

  @TempDir Path tmp;
  private String live;
  private FileSystemSink sink;
  private String acme;

  @BeforeEach
  void backUpTheFixture() {
    live = EmbeddedPg.createDatabase("tenant");
    Fidelity.applySql(Fidelity.resource("/fixtures/tenants.sql"), live);
    sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder().target(target(live)).sink(sink).build().run();
    acme = query(live, "SELECT id FROM saas.organizations WHERE slug = 'acme'");
  }

  @Test
  void restore_deletedOrganization_equalsPreDeleteStateAndKeepsOtherTenantsChanges() {
    Fidelity.applySql(DELETE_ACME + GLOBEX_CHANGES, live);
    assertThat(plan().build().preview().table("saas.audit_log").insert())
        .as("a table without a foreign-key path is left alone without a filter")
        .isZero();
    TenantRestorePlan plan = plan().filter("audit_log", "org_slug", "acme").build();
    Map<String, String> before = Fidelity.tableHashes(EmbeddedPg.dataSource(live));

    TenantRestoreReport preview = plan.preview();
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(live))).isEqualTo(before);
    TenantRestoreReport done = plan.restore();

    assertThat(done.tables()).isEqualTo(preview.tables());
    assertThat(preview.tables())
        .extracting(TenantRestoreReport.Table::table)
        .containsExactly(
            "saas.organizations",
            "saas.audit_log",
            "saas.users",
            "saas.projects",
            "saas.project_members",
            "saas.tasks",
            "saas.comments");
    assertThat(preview.table("saas.organizations").insert()).isEqualTo(1);
    assertThat(preview.table("saas.users").insert()).isEqualTo(5);
    assertThat(preview.table("saas.projects").insert()).isEqualTo(3);
    // 3 projects x 5 members, globex's guest on an acme project, acme's guest on initech's
    assertThat(preview.table("saas.project_members").insert()).isEqualTo(17);
    assertThat(preview.table("saas.tasks").insert()).isEqualTo(12);
    assertThat(preview.table("saas.comments").insert()).isEqualTo(24);
    assertThat(preview.table("saas.audit_log").insert()).isEqualTo(4);
    assertThat(done.skipped() + done.updated() + done.conflicts()).isZero();
    assertSameAsBackupWith(GLOBEX_CHANGES);
  }

  @Test
  void onConflict_skipOverwriteFail_eachDoesWhatItSays() {
    Fidelity.applySql("DELETE FROM saas.organizations WHERE slug = 'acme'", live);
    plan().build().restore();
    String acmeEdits =
        "UPDATE saas.users SET settings = '{\"edited\": 1}'"
            + " WHERE email IN ('2@acme.example', '3@acme.example');";
    Fidelity.applySql(acmeEdits + GLOBEX_CHANGES, live);
    Map<String, String> edited = Fidelity.tableHashes(EmbeddedPg.dataSource(live));

    TenantRestoreReport skip = plan().onConflict(ConflictPolicy.SKIP).build().restore();
    assertThat(skip.inserted()).isZero();
    assertThat(skip.table("saas.users").skip()).isEqualTo(5);
    assertThat(skip.skipped()).isEqualTo(skip.conflicts()).isEqualTo(1 + 5 + 3 + 17 + 12 + 24);
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(live))).isEqualTo(edited);

    TenantRestorePlan fail = plan().onConflict(ConflictPolicy.FAIL).build();
    assertThat(fail.preview().table("saas.users").conflicts()).isEqualTo(5);
    assertThatThrownBy(fail::restore)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("rows of the tenant are already in the live database:")
        .hasMessageContaining("saas.users (5)")
        .hasMessageContaining("on-conflict fail refuses, nothing was restored: choose skip");
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(live))).isEqualTo(edited);

    TenantRestorePlan overwrite = plan().onConflict(ConflictPolicy.OVERWRITE).build();
    TenantRestoreReport preview = overwrite.preview();
    assertThat(preview.table("saas.users"))
        .isEqualTo(new TenantRestoreReport.Table("saas.users", 0, 2, 3, 5));
    assertThat(preview.updated()).isEqualTo(2);
    assertThat(overwrite.restore().tables()).isEqualTo(preview.tables());
    assertSameAsBackupWith(GLOBEX_CHANGES);
  }

  @Test
  void restore_failingMidWay_leavesTheDatabaseAsItWasAndNothingStaged() {
    Fidelity.applySql(DELETE_ACME, live);
    // globex took an address acme's users had: unique, but not their key
    Fidelity.applySql(
        "INSERT INTO saas.users (org_id, email) SELECT id, '4@acme.example'"
            + " FROM saas.organizations WHERE slug = 'globex'",
        live);
    Map<String, String> before = Fidelity.tableHashes(EmbeddedPg.dataSource(live));
    String sequences = Fidelity.sequenceValues(EmbeddedPg.dataSource(live)).toString();

    assertThatThrownBy(() -> plan().build().restore())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("users_email_key")
        .hasMessageContaining("the transaction was rolled back and nothing was restored");

    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(live))).isEqualTo(before);
    assertThat(Fidelity.sequenceValues(EmbeddedPg.dataSource(live)).toString())
        .isEqualTo(sequences);
    assertThat(query(live, "SELECT count(*) FROM pg_class WHERE relname LIKE 'avnology%'"))
        .isEqualTo("0");
  }

  @Test
  void restore_fromCustomArchive_movesSequencesForwardNeverBack() throws Exception {
    Path dump = tmp.resolve("nightly.dump");
    PgDumpArchive.export(target(live), dump, Compression.gzip(6));
    Fidelity.applySql(
        DELETE_ACME
            + "ALTER SEQUENCE saas.users_id_seq RESTART WITH 1;"
            + " ALTER TABLE saas.organizations ALTER COLUMN id RESTART WITH 1;"
            + " SELECT setval('saas.tasks_id_seq', 10000);",
        live);

    RestoreResult result =
        TenantRestorePlan.builder(PgDumpArchive.open(dump), target(live))
            .root("saas.organizations", "slug", "acme")
            .onConflict(ConflictPolicy.FAIL)
            .build()
            .execute();

    assertThat(result.targets().get(0).entries()).isEqualTo(1 + 5 + 3 + 17 + 12 + 24);
    assertThat(query(live, "SELECT nextval('saas.users_id_seq') > max(id) FROM saas.users"))
        .isEqualTo("t");
    assertThat(query(live, "SELECT last_value FROM saas.organizations_id_seq")).isEqualTo("3");
    assertThat(query(live, "SELECT last_value FROM saas.tasks_id_seq")).isEqualTo("10000");
    assertThat(
            query(
                live,
                "SELECT string_agg(email_upper, ',' ORDER BY id) FROM saas.users"
                    + " WHERE email LIKE '%@acme.example'"))
        .startsWith("1@ACME.EXAMPLE,2@ACME.EXAMPLE");
  }

  @Test
  void describe_isTheDryRunAsOneStep() {
    Fidelity.applySql(DELETE_ACME, live);
    RestoreDescription d = plan().build().describe();
    assertThat(d.steps())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.target()).isEqualTo("postgres/main");
              assertThat(s.destination())
                  .contains("tenant organizations.id = " + acme)
                  .contains("saas.users: 5 insert, 0 update, 0 skip");
            });
    assertThat(query(live, "SELECT count(*) FROM saas.users")).isEqualTo("10");
  }

  @Test
  void cycleOfForeignKeys_refusedUnlessDeferrable() {
    String db = EmbeddedPg.createDatabase("cycle");
    Fidelity.applySql(
        "CREATE TABLE a (id int PRIMARY KEY, name text);"
            + " CREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a ON DELETE CASCADE);"
            + " ALTER TABLE a ADD COLUMN b_id int REFERENCES b ON DELETE SET NULL;"
            + " INSERT INTO a VALUES (1, 'one', NULL), (2, 'two', NULL);"
            + " INSERT INTO b VALUES (10, 1), (20, 2); UPDATE a SET b_id = id * 10;",
        db);
    FileSystemSink cycleSink = FileSystemSink.of(tmp.resolve("cycle"));
    Backup.builder().target(target(db)).sink(cycleSink).build().run();
    Fidelity.applySql("DELETE FROM a WHERE id = 1", db);
    TenantRestorePlan plan =
        TenantRestorePlan.builder(cycleSink, target(db)).root("a", "id", "1").build();

    assertThatThrownBy(plan::restore)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(
            "tables public.a, public.b reference each other through foreign"
                + " keys that are not DEFERRABLE, so no insert order satisfies them: make one of"
                + " those foreign keys DEFERRABLE");
    assertThat(query(db, "SELECT count(*) FROM a")).isEqualTo("1");

    Fidelity.applySql("ALTER TABLE a ALTER CONSTRAINT a_b_id_fkey DEFERRABLE", db);
    assertThat(plan.restore().inserted()).isEqualTo(2);
    assertThat(query(db, "SELECT string_agg(id || ':' || b_id, ',' ORDER BY id) FROM a"))
        .isEqualTo("1:10,2:20");
  }

  @Test
  void partitionedTables_theTenantsRowsComeBackIntoTheirPartitions() {
    String db = EmbeddedPg.createDatabase("parts");
    Fidelity.applySql(
        "CREATE TABLE orgs (id int PRIMARY KEY, name text);"
            // range-partitioned child of the tenant, with a sub-partitioned partition
            + " CREATE TABLE events (org_id int NOT NULL REFERENCES orgs ON DELETE CASCADE,"
            + " at date NOT NULL, what text, PRIMARY KEY (org_id, at, what)) PARTITION BY RANGE (at);"
            + " CREATE TABLE events_2025 PARTITION OF events FOR VALUES FROM ('2025-01-01')"
            + " TO ('2026-01-01');"
            + " CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01')"
            + " TO ('2027-01-01') PARTITION BY LIST (org_id);"
            + " CREATE TABLE events_2026_a PARTITION OF events_2026 FOR VALUES IN (1);"
            + " CREATE TABLE events_2026_rest PARTITION OF events_2026 DEFAULT;"
            // list-partitioned by the tenant key itself, and a table referencing a partitioned one
            + " CREATE TABLE docs (org_id int NOT NULL REFERENCES orgs ON DELETE CASCADE, id int,"
            + " PRIMARY KEY (org_id, id)) PARTITION BY LIST (org_id);"
            + " CREATE TABLE docs_1 PARTITION OF docs FOR VALUES IN (1);"
            + " CREATE TABLE docs_other PARTITION OF docs DEFAULT;"
            + " CREATE TABLE doc_tags (org_id int, doc_id int, tag text,"
            + " FOREIGN KEY (org_id, doc_id) REFERENCES docs ON DELETE CASCADE);"
            + " INSERT INTO orgs VALUES (1, 'acme'), (2, 'globex');"
            + " INSERT INTO events SELECT o, d, 'e' || g FROM generate_series(1, 2) o,"
            + " (VALUES (date '2025-06-01'), (date '2026-02-01')) v(d), generate_series(1, 3) g;"
            + " INSERT INTO docs SELECT o, g FROM generate_series(1, 2) o, generate_series(1, 4) g;"
            + " INSERT INTO doc_tags SELECT org_id, id, 't' FROM docs;",
        db);
    FileSystemSink partSink = FileSystemSink.of(tmp.resolve("parts"));
    Backup.builder().target(target(db)).sink(partSink).build().run();
    Map<String, String> before = Fidelity.tableHashes(EmbeddedPg.dataSource(db));
    Fidelity.applySql("DELETE FROM orgs WHERE id = 1", db);
    assertThat(query(db, "SELECT count(*) FROM events")).isEqualTo("6");

    TenantRestoreReport done =
        TenantRestorePlan.builder(partSink, target(db)).root("orgs", "id", "1").build().restore();

    assertThat(done.inserted()).as(done.tables().toString()).isEqualTo(1 + 6 + 4 + 4);
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(db))).isEqualTo(before);
    assertThat(
            query(
                db,
                "SELECT string_agg(tableoid::regclass || '=' || n, ',' ORDER BY"
                    + " tableoid::regclass::text) FROM (SELECT tableoid, count(*) n FROM events WHERE"
                    + " org_id = 1 GROUP BY tableoid) x"))
        .isEqualTo("events_2025=3,events_2026_a=3");
  }

  @Test
  void rowsLeftOutOfTheBackup_refuseTheTenant_namingTheTable() {
    String db = EmbeddedPg.createDatabase("rows_left_out");
    Fidelity.applySql(
        "CREATE TABLE orgs (id int PRIMARY KEY, name text);"
            + " CREATE TABLE notes (org_id int NOT NULL REFERENCES orgs ON DELETE CASCADE,"
            + " body text);"
            + " INSERT INTO orgs VALUES (1, 'acme'), (2, 'globex');"
            + " INSERT INTO notes VALUES (1, 'a'), (2, 'b');",
        db);
    FileSystemSink leftOut = FileSystemSink.of(tmp.resolve("rows-left-out"));
    Backup.builder()
        .target(
            PostgresTarget.builder(EmbeddedPg.dataSource(db))
                .excludeTableData("public.notes")
                .build())
        .sink(leftOut)
        .build()
        .run();
    Fidelity.applySql("DELETE FROM orgs WHERE id = 1", db);
    TenantRestorePlan plan =
        TenantRestorePlan.builder(leftOut, target(db)).root("orgs", "id", "1").build();

    // the organization without its notes would be a tenant half restored, reported as done
    assertThatThrownBy(plan::restore)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("the definition of public.notes but not its rows")
        .hasMessageContaining("nothing was restored");
    assertThat(query(db, "SELECT count(*) FROM orgs")).isEqualTo("1");
  }

  @Test
  void encryptedSet_needsItsKey() {
    com.avnology.backup.Encryption key =
        com.avnology.backup.Encryption.aes256Gcm(com.avnology.backup.KeySource.raw(new byte[32]));
    FileSystemSink encrypted = FileSystemSink.of(tmp.resolve("encrypted"));
    Backup.builder().target(target(live)).sink(encrypted).encryption(key).build().run();
    Fidelity.applySql(DELETE_ACME, live);

    assertThatThrownBy(
            () ->
                TenantRestorePlan.builder(encrypted, target(live))
                    .root("organizations", "id", acme)
                    .build()
                    .preview())
        .isInstanceOf(BackupException.class)
        .hasMessageStartingWith("cannot read the tenant's rows: ")
        .hasMessageContaining("encrypted");
    assertThat(
            TenantRestorePlan.builder(encrypted, target(live))
                .encryption(key)
                .root("organizations", "id", acme)
                .build()
                .restore()
                .inserted())
        .isEqualTo(1 + 5 + 3 + 17 + 12 + 24);
  }

  @Test
  void badTenant_isNamed() {
    assertThatThrownBy(() -> plan().root("organizations", "id", "999").build().preview())
        .hasMessageContaining("the backup has no row of saas.organizations with id = 999");
    assertThatThrownBy(() -> plan().root("organisations", "id", "1").build().preview())
        .hasMessageContaining("no table organisations in the live database");
    assertThatThrownBy(() -> plan().root("organizations", "uuid", "1").build().preview())
        .hasMessageContaining("table saas.organizations has no column uuid; its columns: [id,");
    assertThatThrownBy(() -> plan().root("organizations", "id", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("value must not be blank: ' '");
    assertThatThrownBy(() -> TenantRestorePlan.builder(sink, target(live)).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no tenant: call root(table, column, value) before build()");
  }

  private TenantRestorePlan.Builder plan() {
    return TenantRestorePlan.builder(sink, target(live)).root("organizations", "id", acme);
  }

  /** The live database equals the backup restored whole, with {@code changes} applied. */
  private void assertSameAsBackupWith(String changes) {
    String expected = EmbeddedPg.createDatabase("expected");
    RestorePlan.builder(sink).target(target(expected)).build().execute();
    Fidelity.applySql(changes, expected);
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(live)))
        .isEqualTo(Fidelity.tableHashes(EmbeddedPg.dataSource(expected)));
    assertThat(Fidelity.sequenceValues(EmbeddedPg.dataSource(live)))
        .isEqualTo(Fidelity.sequenceValues(EmbeddedPg.dataSource(expected)));
  }

  static PostgresTarget target(String db) {
    return PostgresTarget.builder(EmbeddedPg.dataSource(db)).build();
  }

  static String query(String db, String sql) {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
