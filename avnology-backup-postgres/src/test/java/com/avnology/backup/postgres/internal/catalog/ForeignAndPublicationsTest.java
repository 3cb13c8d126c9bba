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
 * Foreign-data wrappers, servers, user mappings, foreign tables, per-column settings of
 * materialized views, access methods (and a table using one), publications and subscriptions:
 * recreated identically from this reader's entries, in pg_dump's order, and entry by entry as
 * pg_dump 15 writes them.
 */
final class ForeignAndPublicationsTest {

  @Test
  void read_foreignDataAndPublications_recreatesIdenticallyInPgDumpOrder() throws Exception {
    String db =
        CatalogRoundTrip.source("fdwpub", CatalogReaderTest.resource("foreign-publications.sql"));

    Catalog cat = CatalogRoundTrip.assertRoundTrip(db);

    assertThat(cat.entries())
        .extracting(e -> e.desc() + " " + e.tag())
        .containsSubsequence(
            "FOREIGN DATA WRAPPER useless",
            "COMMENT FOREIGN DATA WRAPPER useless",
            "ACL FOREIGN DATA WRAPPER useless",
            "SERVER s2",
            "COMMENT SERVER s2",
            "ACL FOREIGN SERVER s2",
            "USER MAPPING USER MAPPING fp_user SERVER s2",
            "SERVER useless_server",
            "USER MAPPING USER MAPPING postgres SERVER useless_server",
            "USER MAPPING USER MAPPING public SERVER useless_server",
            "FOREIGN TABLE ft",
            "COMMENT FOREIGN TABLE ft",
            "COMMENT COLUMN ft.a",
            "ACL TABLE ft",
            "ACL COLUMN ft.b",
            "TABLE ATTACH part_f",
            "PUBLICATION p_all",
            "PUBLICATION p_t",
            "COMMENT PUBLICATION p_t",
            "PUBLICATION TABLE p_t pt",
            "PUBLICATION TABLE P s t1",
            "PUBLICATION TABLE p_t t1",
            "PUBLICATION TABLES IN SCHEMA P s fq")
        .containsSubsequence(
            "ACCESS METHOD Gist 2",
            "ACCESS METHOD heap2",
            "COMMENT ACCESS METHOD heap2",
            "TABLE t_am",
            "TABLE DATA t_am")
        .doesNotContain("TABLE DATA ft", "TABLE DATA ftc", "TABLE DATA part_f");
    assertThat(cat.entries())
        .filteredOn(e -> e.desc().equals("TABLE") && e.tag().equals("t_am"))
        .singleElement()
        .extracting(TocEntry::tableAm)
        .isEqualTo("heap2");
    TocEntry mapping =
        cat.entries().stream()
            .filter(e -> e.desc().equals("USER MAPPING"))
            .findFirst()
            .orElseThrow();
    assertThat(mapping.section()).isEqualTo(TocEntry.Section.PRE_DATA);
    assertThat(mapping.dropStmt()).isEqualTo("DROP USER MAPPING FOR fp_user SERVER s2;\n");
    assertThat(cat.entries())
        .filteredOn(e -> e.desc().equals("MATERIALIZED VIEW"))
        .singleElement()
        .extracting(TocEntry::defn)
        .asString()
        .contains("ALTER TABLE ONLY fp.mv ALTER COLUMN v SET COMPRESSION pglz;\n");
  }

  @Test
  void read_foreignDataAndPublications_entriesMatchPgDump() throws Exception {
    assumePgDump();
    String db =
        CatalogRoundTrip.source(
            "fdwpubcmp", CatalogReaderTest.resource("foreign-publications.sql"));

    List<String> diffs = CatalogVsPgDumpTest.differences(db);

    Files.createDirectories(Path.of("target", "fidelity"));
    Files.write(Path.of("target", "fidelity", "foreign-publications-vs-pgdump.txt"), diffs);
    assertThat(diffs).isEmpty();
  }

  @Test
  void read_subscriptions_recreatedWithoutConnectingAndMatchPgDump() throws Exception {
    String db = CatalogRoundTrip.source("subs", CatalogReaderTest.resource("subscriptions.sql"));

    Catalog cat = CatalogRoundTrip.assertRoundTrip(db);

    assertThat(cat.entries())
        .filteredOn(e -> e.desc().equals("SUBSCRIPTION"))
        .extracting(TocEntry::defn)
        .containsExactly(
            "CREATE SUBSCRIPTION \"Sub 2\" CONNECTION 'dbname=x' PUBLICATION p"
                + " WITH (connect = false, slot_name = NONE);\n",
            "CREATE SUBSCRIPTION sub1 CONNECTION 'host=localhost port=1 dbname=none'"
                + " PUBLICATION p_t, \"P all\" WITH (connect = false, slot_name = 'sl1',"
                + " binary = true, streaming = on, two_phase = on, disable_on_error = true,"
                + " synchronous_commit = local);\n");
    assumePgDump();
    List<String> diffs = CatalogVsPgDumpTest.differences(db);
    Files.createDirectories(Path.of("target", "fidelity"));
    Files.write(Path.of("target", "fidelity", "subscriptions-vs-pgdump.txt"), diffs);
    assertThat(diffs).isEmpty();
  }

  private static void assumePgDump() {
    EmbeddedPg.server();
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump older than the server");
  }
}
