package com.avnology.backup.postgres.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves the fidelity harness itself: it must see real differences and ignore physical ones. */
final class FidelityTest {
  private static String fixtureA;
  private static String fixtureB;

  @BeforeAll
  static void loadFixtureTwice() {
    fixtureA = Fidelity.createAllKindsDatabase("fid_a");
    fixtureB = Fidelity.createAllKindsDatabase("fid_b");
  }

  private static void exec(String db, String sql) {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(String db, String sql) {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String copyOf(String prefix) {
    String db = EmbeddedPg.createDatabase(prefix);
    exec("postgres", "DROP DATABASE " + db);
    exec("postgres", "CREATE DATABASE " + db + " TEMPLATE " + fixtureA);
    return db;
  }

  @Test
  void allKindsFixtureApplies() {
    assertThat(count(fixtureA, "SELECT count(*) FROM identity.identities")).isEqualTo(3003);
    assertThat(count(fixtureA, "SELECT count(*) FROM public.awkward")).isEqualTo(6);
    assertThat(
            count(
                fixtureA,
                "SELECT count(*) FROM pg_extension WHERE extname IN"
                    + " ('citext', 'btree_gist', 'pgcrypto')"))
        .isEqualTo(3);
    assertThat(count(fixtureA, "SELECT count(*) FROM identity.sessions_other")).isPositive();
    assertThat(count(fixtureA, "SELECT count(*) FROM identity.sessions_2025")).isPositive();
    assertThat(count(fixtureA, "SELECT octet_length(t) FROM public.awkward WHERE id = 6"))
        .isGreaterThan(100_000);
  }

  @Test
  void schemaDumpsOfTheSameFixtureAreEqual() {
    String a = Fidelity.schemaDump(fixtureA);
    assertThat(a).doesNotContain("\\restrict").contains("CREATE TABLE identity.identities");
    Fidelity.assertSameText("schema dump", a, Fidelity.schemaDump(fixtureB));
  }

  @Test
  void schemaDumpSeesADifference() {
    String db = copyOf("fid_schema");
    exec(db, "COMMENT ON COLUMN identity.identities.email IS 'changed'");
    String source = Fidelity.schemaDump(fixtureA);
    String target = Fidelity.schemaDump(db);
    assertThatThrownBy(() -> Fidelity.assertSameText("schema dump", source, target))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("+COMMENT ON COLUMN identity.identities.email IS 'changed';");
  }

  @Test
  void catalogSnapshotsOfTheSameFixtureAreEqual() {
    Map<String, String> a = Fidelity.catalogSnapshot(EmbeddedPg.dataSource(fixtureA));
    assertThat(a)
        .containsKeys(
            "schema \"OAuth2\"",
            "extension citext",
            "relation identity.sessions_2024",
            "column identity.identities.display_lower",
            "constraint identity.identity_locks.identity_locks_no_overlap",
            "index identity.identities_traits_idx",
            "trigger identity.credentials.credentials_check",
            "function identity.concat_all(text)",
            "function identity.purge_sessions(IN older_than interval)",
            "type identity.identity_state",
            "type identity.floatrange",
            "type identity.email",
            "type identity.address",
            "sequence \"OAuth2\".token_counter",
            "policy public.relation_tuples.relation_tuples_read",
            "statistics identity.identities_org_state",
            "collation identity.bytewise",
            "text search configuration identity.names",
            "default acl postgres \"OAuth2\" r");
    assertThat(a).noneSatisfy((k, v) -> assertThat(k).containsPattern("\\b\\d{5,}\\b"));
    assertThat(a.get("type identity.identity_state"))
        .contains("{pending,active,inactive,locked,\\\"it's complicated\\\"}");
    assertThat(a.get("sequence \"OAuth2\".token_counter")).contains("last_value=3 is_called=true");
    Fidelity.assertSameMap(
        "catalog snapshot", a, Fidelity.catalogSnapshot(EmbeddedPg.dataSource(fixtureB)));
  }

  @Test
  void catalogSnapshotSeesAChangedDefault() {
    String db = copyOf("fid_default");
    exec(db, "ALTER TABLE identity.identities ALTER COLUMN score SET DEFAULT 0.25");
    assertThatThrownBy(
            () ->
                Fidelity.assertSameMap(
                    "catalog snapshot",
                    Fidelity.catalogSnapshot(EmbeddedPg.dataSource(fixtureA)),
                    Fidelity.catalogSnapshot(EmbeddedPg.dataSource(db))))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("~ column identity.identities.score")
        .hasMessageContaining("0.25");
  }

  @Test
  void catalogSnapshotSeesManyKindsOfChange() {
    String db = copyOf("fid_kinds");
    exec(
        db,
        "ALTER TABLE identity.identities DISABLE TRIGGER identities_touch;"
            + " DROP INDEX identity.identities_tags_idx;"
            + " ALTER TABLE identity.organizations ENABLE TRIGGER organizations_count;"
            + " ALTER SEQUENCE \"OAuth2\".token_counter INCREMENT BY 8;"
            + " ALTER TYPE identity.identity_state ADD VALUE 'zzz';"
            + " ALTER POLICY relation_tuples_read ON public.relation_tuples USING (true);"
            + " REVOKE SELECT (username) ON identity.identities FROM PUBLIC;"
            + " ALTER DOMAIN identity.email DROP CONSTRAINT email_shape;"
            + " COMMENT ON SCHEMA identity IS NULL;"
            + " SELECT setval('identity.never_used', 7)");
    Map<String, String> a = Fidelity.catalogSnapshot(EmbeddedPg.dataSource(fixtureA));
    Map<String, String> b = Fidelity.catalogSnapshot(EmbeddedPg.dataSource(db));
    assertThatThrownBy(() -> Fidelity.assertSameMap("catalog snapshot", a, b))
        .hasMessageContaining("- index identity.identities_tags_idx")
        .hasMessageContaining("~ trigger identity.organizations.organizations_count")
        .hasMessageContaining("~ trigger identity.identities.identities_touch")
        .hasMessageContaining("~ sequence \"OAuth2\".token_counter")
        .hasMessageContaining("~ sequence identity.never_used")
        .hasMessageContaining("~ type identity.identity_state")
        .hasMessageContaining("~ policy public.relation_tuples.relation_tuples_read")
        .hasMessageContaining("~ column identity.identities.username")
        .hasMessageContaining("- constraint domain identity.email.email_shape")
        .hasMessageContaining("~ schema identity")
        .hasMessageContaining("differ in 10 entries");
  }

  @Test
  void tableHashesAreEqualForTheSameData() {
    Map<String, String> a = Fidelity.tableHashes(EmbeddedPg.dataSource(fixtureA));
    assertThat(a)
        .containsKeys(
            "identity.sessions_2024",
            "identity.sessions_other",
            "\"OAuth2\".\"AccessTokens\"",
            "public.awkward",
            "identity.org_stats")
        .doesNotContainKeys("identity.sessions", "identity.audit_events");
    assertThat(a.get("identity.never_refreshed")).isEqualTo("unpopulated materialized view");
    assertThat(a.get("identity.identities")).startsWith("rows=3003 sha256=");
    Fidelity.assertSameMap(
        "table hashes", a, Fidelity.tableHashes(EmbeddedPg.dataSource(fixtureB)));
  }

  @Test
  void tableHashesSeeOneCharacterAndNullVersusEmpty() {
    String db = copyOf("fid_hash");
    Map<String, String> before = Fidelity.tableHashes(EmbeddedPg.dataSource(db));
    exec(db, "UPDATE public.awkward SET t = replace(t, 'tab', 'tac') WHERE id = 3");
    Map<String, String> oneChar = Fidelity.tableHashes(EmbeddedPg.dataSource(db));
    assertThat(oneChar.get("public.awkward")).isNotEqualTo(before.get("public.awkward"));
    assertThat(oneChar).hasSameSizeAs(before);

    exec(db, "UPDATE public.awkward SET t = replace(t, 'tac', 'tab') WHERE id = 3");
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(db))).isEqualTo(before);
    exec(db, "UPDATE public.awkward SET t = '' WHERE id = 1"); // NULL -> ''
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(db)).get("public.awkward"))
        .isNotEqualTo(before.get("public.awkward"));
  }

  @Test
  void tableHashesIgnorePhysicalOrder() {
    String db = copyOf("fid_order");
    Map<String, String> before = Fidelity.tableHashes(EmbeddedPg.dataSource(db));
    // rewrite rows so their physical order changes, then put the same values back
    exec(
        db,
        "UPDATE public.awkward SET label = label WHERE id IN (1, 2);"
            + " UPDATE identity.change_counter SET tbl = 'x' WHERE tbl = 'identities';"
            + " UPDATE identity.change_counter SET tbl = 'identities' WHERE tbl = 'x';"
            + " CLUSTER identity.identities USING identities_email_key;"
            + " UPDATE identity.maintenance_windows SET id = -id; UPDATE identity.maintenance_windows"
            + " SET id = -id");
    assertThat(count(db, "SELECT id FROM public.awkward LIMIT 1")).isNotEqualTo(1);
    Fidelity.assertSameMap("table hashes", before, Fidelity.tableHashes(EmbeddedPg.dataSource(db)));
  }

  @Test
  void sequenceValuesSeeNextval() {
    String db = copyOf("fid_seq");
    Map<String, String> before = Fidelity.sequenceValues(EmbeddedPg.dataSource(db));
    assertThat(before.get("identity.identities_id_seq"))
        .isEqualTo("last_value=20000 is_called=false");
    exec(db, "SELECT nextval('identity.identities_id_seq')");
    assertThat(Fidelity.sequenceValues(EmbeddedPg.dataSource(db))).isNotEqualTo(before);
  }

  @Test
  void pgDumpRoundTripIsJudgedSame(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump cannot dump this server");
    Path archive = tmp.resolve("a.dump");
    Fidelity.runTool("pg_dump", "-Fc", "-f", archive.toString(), "-d", fixtureA);
    assertThat(Files.size(archive)).isPositive();
    String restored = EmbeddedPg.createDatabase("fid_restored");
    Fidelity.runTool("pg_restore", "--exit-on-error", "-d", restored, archive.toString());
    Fidelity.assertSameDatabase(fixtureA, restored);
    // the snapshot must not be over-sensitive either: a real restore looks the same
    Fidelity.assertSameMap(
        "catalog snapshot",
        Fidelity.catalogSnapshot(EmbeddedPg.dataSource(fixtureA)),
        Fidelity.catalogSnapshot(EmbeddedPg.dataSource(restored)));
  }

  @Test
  void oryFixturesLoadAndFill() {
    OryFixtures.requireDirectory();
    for (String project : OryFixtures.PROJECTS) {
      String db = EmbeddedPg.createDatabase("ory_" + project);
      OryFixtures.loadSchema(project, db);
      OryFixtures.FillReport report = OryFixtures.fillWithRows(db, 25);
      System.out.println("ory " + project + ": " + report);
      assertThat(report.tablesFilled()).isNotEmpty();
      assertThat(report.rowsInserted()).isPositive();
      Map<String, String> hashes = Fidelity.tableHashes(EmbeddedPg.dataSource(db));
      assertThat(hashes.values()).anySatisfy(v -> assertThat(v).doesNotStartWith("rows=0 "));
    }
  }

  @Test
  void oryFixturesAreSkippedWithoutConfiguration() {
    if (OryFixtures.directory().isEmpty()) {
      assertThatThrownBy(OryFixtures::requireDirectory)
          .isInstanceOf(org.opentest4j.TestAbortedException.class)
          .hasMessageContaining("Ory fixtures not found");
    } else {
      assertThat(OryFixtures.requireDirectory()).isDirectory();
    }
  }
}
