package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Collations, text search objects, operators, operator classes and families, casts, conversions,
 * extended statistics, default privileges, event triggers, procedural languages, transforms and
 * privileges on {@code pg_catalog} objects changed from {@code pg_init_privs}: restored from this
 * reader's entries, the copy dumps identically, and every entry matches pg_dump's field by field.
 */
final class ExtraKindsTest {

  @Test
  void read_extraKinds_recreatesIdentically() throws Exception {
    String db = CatalogRoundTrip.source("extra", CatalogReaderTest.resource("extra-kinds.sql"));
    Catalog cat = CatalogRoundTrip.read(db, CatalogOptions.all());
    String target = CatalogRoundTrip.restore(db, cat);
    Fidelity.assertSameDatabase(db, target);
    assumePgDump();
    CatalogRoundTrip.assertRoundTrip(db);
    assertThat(cat.entries())
        .extracting(TocEntry::desc)
        .contains(
            "COLLATION",
            "TEXT SEARCH PARSER",
            "TEXT SEARCH TEMPLATE",
            "TEXT SEARCH DICTIONARY",
            "TEXT SEARCH CONFIGURATION",
            "OPERATOR",
            "OPERATOR CLASS",
            "OPERATOR FAMILY",
            "CAST",
            "CONVERSION",
            "STATISTICS",
            "DEFAULT ACL",
            "EVENT TRIGGER",
            "PROCEDURAL LANGUAGE",
            "TRANSFORM");
    assertThat(cat.entries())
        .filteredOn(e -> "pg_catalog".equals(e.namespace()))
        .extracting(TocEntry::tag)
        .containsExactlyInAnyOrder(
            "TABLE pg_stat_activity",
            "COLUMN pg_authid.rolname",
            "COLUMN pg_authid.rolsuper",
            "COLUMN pg_proc.prosrc",
            "TYPE money");
  }

  @Test
  void read_extraKinds_entriesMatchPgDump() throws Exception {
    assumePgDump();
    String db = CatalogRoundTrip.source("extracmp", CatalogReaderTest.resource("extra-kinds.sql"));
    List<String> diffs = CatalogVsPgDumpTest.differences(db);
    Files.createDirectories(Path.of("target", "fidelity"));
    Files.write(Path.of("target", "fidelity", "extra-vs-pgdump.txt"), diffs);
    assertThat(diffs).isEmpty();
  }

  @Test
  void read_allKindsFixture_recreatesIdentically() throws Exception {
    String db = Fidelity.createAllKindsDatabase("allk");
    Catalog cat = CatalogRoundTrip.read(db, CatalogOptions.all());
    String target = CatalogRoundTrip.restore(db, cat);
    Fidelity.assertSameDatabase(db, target);
    assumePgDump();
    CatalogRoundTrip.assertRoundTrip(db);
  }

  /** Same-named objects: pg_dump breaks the ties by argument types, access method, role. */
  @Test
  void read_sameNames_sortLikePgDump() throws Exception {
    assumePgDump();
    String db =
        CatalogRoundTrip.source(
            "ties",
            """
            DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'xk_reader') THEN
              CREATE ROLE xk_reader; END IF; END $$;
            CREATE SCHEMA t;
            CREATE FUNCTION t.f(integer, integer) RETURNS boolean LANGUAGE sql AS 'SELECT $1 = $2';
            CREATE FUNCTION t.f(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT $1 = $2';
            CREATE FUNCTION t.g(integer) RETURNS integer LANGUAGE sql AS 'SELECT -$1';
            CREATE FUNCTION t.cmp(integer, integer) RETURNS integer LANGUAGE sql AS 'SELECT btint4cmp($1, $2)';
            CREATE OPERATOR t.## (LEFTARG = text, RIGHTARG = text, FUNCTION = t.f);
            CREATE OPERATOR t.## (LEFTARG = integer, RIGHTARG = integer, FUNCTION = t.f);
            CREATE OPERATOR t.## (RIGHTARG = integer, FUNCTION = t.g);
            CREATE OPERATOR CLASS t.same FOR TYPE integer USING hash AS OPERATOR 1 =, FUNCTION 1 hashint4(integer);
            CREATE OPERATOR CLASS t.same FOR TYPE integer USING btree AS OPERATOR 1 <, OPERATOR 2 <=,
              OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >, FUNCTION 1 t.cmp(integer, integer);
            ALTER DEFAULT PRIVILEGES FOR ROLE xk_reader IN SCHEMA t GRANT SELECT ON TABLES TO PUBLIC;
            ALTER DEFAULT PRIVILEGES FOR ROLE postgres IN SCHEMA t GRANT SELECT ON TABLES TO xk_reader;
            ALTER DEFAULT PRIVILEGES FOR ROLE xk_reader GRANT SELECT ON TABLES TO PUBLIC;
            ALTER DEFAULT PRIVILEGES FOR ROLE postgres GRANT INSERT ON TABLES TO xk_reader;\
            """);
    CatalogRoundTrip.assertRoundTrip(db);
  }

  /** Only the kinds of this test's readers (the others are CatalogVsPgDumpTest's business). */
  private static final List<String> KINDS =
      List.of(
          "COLLATION",
          "TEXT SEARCH",
          "OPERATOR",
          "CAST",
          "CONVERSION",
          "STATISTICS",
          "DEFAULT ACL",
          "EVENT TRIGGER",
          "COMMENT|-|CAST",
          "COMMENT|-|EVENT TRIGGER");

  @Test
  void read_allKindsFixture_entriesMatchPgDump() throws Exception {
    assumePgDump();
    String db = Fidelity.createAllKindsDatabase("allkcmp");
    List<String> diffs =
        CatalogVsPgDumpTest.differences(db).stream()
            .filter(
                d ->
                    KINDS.stream()
                        .anyMatch(
                            k ->
                                d.startsWith(k)
                                    || (d.startsWith("COMMENT|") && d.contains("|" + k + " "))))
            .toList();
    Files.createDirectories(Path.of("target", "fidelity"));
    Files.write(Path.of("target", "fidelity", "allkinds-vs-pgdump.txt"), diffs);
    assertThat(diffs).isEmpty();
  }

  /** The pg_dump comparisons need a pg_dump that accepts the server (not 15 against 17). */
  private static void assumePgDump() {
    EmbeddedPg.server();
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump older than the server");
  }
}
