package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.testing.Fidelity;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Include/exclude filters, --no-owner and --no-privileges, checked against pg_dump's own TOC. */
final class CatalogOptionsTest {
  private static String db;

  @BeforeAll
  static void createSource() throws Exception {
    assumeThat(Fidelity.pgDumpUsable()).as("pg_dump is missing or older than the server").isTrue();
    db = CatalogRoundTrip.source("opts", CatalogReaderTest.resource("awkward.sql"));
  }

  private static CatalogOptions options(
      List<String> inSchemas,
      List<String> exSchemas,
      List<String> inTables,
      List<String> exTables) {
    return new CatalogOptions(inSchemas, exSchemas, inTables, exTables, false, false);
  }

  @Test
  void read_excludeSchema_matchesPgDumpN() throws Exception {
    Catalog cat =
        CatalogRoundTrip.read(db, options(List.of(), List.of("My Schema"), List.of(), List.of()));
    assertThat(cat.entries()).noneMatch(e -> "My Schema".equals(e.namespace()));
    assertThat(CatalogRoundTrip.toc(cat))
        .isEqualTo(CatalogRoundTrip.pgDumpToc(db, "-N", "\"My Schema\""));
  }

  @Test
  void read_includeSchema_matchesPgDumpn() throws Exception {
    Catalog cat =
        CatalogRoundTrip.read(db, options(List.of("app"), List.of(), List.of(), List.of()));
    assertThat(cat.entries()).extracting(TocEntry::desc).doesNotContain("EXTENSION");
    assertThat(CatalogRoundTrip.toc(cat)).isEqualTo(CatalogRoundTrip.pgDumpToc(db, "-n", "app"));
  }

  @Test
  void read_includePublicSchema_matchesPgDumpn() throws Exception {
    Catalog cat =
        CatalogRoundTrip.read(db, options(List.of("public"), List.of(), List.of(), List.of()));
    assertThat(CatalogRoundTrip.toc(cat)).isEqualTo(CatalogRoundTrip.pgDumpToc(db, "-n", "public"));
  }

  @Test
  void read_includeTable_matchesPgDumpt() throws Exception {
    Catalog cat =
        CatalogRoundTrip.read(
            db, options(List.of(), List.of(), List.of("app.customer"), List.of()));
    assertThat(cat.entries()).extracting(TocEntry::desc).doesNotContain("SCHEMA", "FUNCTION");
    assertThat(cat.tables()).extracting(TableData::table).containsExactly("customer");
    assertThat(CatalogRoundTrip.toc(cat))
        .isEqualTo(CatalogRoundTrip.pgDumpToc(db, "-t", "app.customer"));
  }

  @Test
  void read_excludeTable_matchesPgDumpT() throws Exception {
    Catalog cat =
        CatalogRoundTrip.read(db, options(List.of(), List.of(), List.of(), List.of("app.invoice")));
    assertThat(CatalogRoundTrip.toc(cat))
        .isEqualTo(CatalogRoundTrip.pgDumpToc(db, "-T", "app.invoice"));
  }

  @Test
  void read_noPrivilegesNoOwner_dropsAclsAndOwners() throws Exception {
    Catalog cat =
        CatalogRoundTrip.read(
            db, new CatalogOptions(List.of(), List.of(), List.of(), List.of(), true, true));
    assertThat(cat.entries()).extracting(TocEntry::desc).doesNotContain("ACL");
    assertThat(cat.entries()).allMatch(e -> e.owner() == null || e.owner().isEmpty());
    String target = CatalogRoundTrip.restore(db, cat);
    assertThat(target).isNotBlank();
  }

  @Test
  void read_tableData_copyStatementsAndSizes() throws Exception {
    Catalog cat = CatalogRoundTrip.read(db, CatalogOptions.all());
    TocEntry data =
        cat.entries().stream()
            .filter(e -> e.desc().equals("TABLE DATA") && e.tag().equals("Order"))
            .findFirst()
            .orElseThrow();
    assertThat(data.copyStmt())
        .isEqualTo(
            "COPY \"My Schema\".\"Order\" (\"Id\", alt_id, customer_id, \"Qty\", price, during, \"from\")"
                + " FROM stdin;\n");
    assertThat(data.hadDumper()).isTrue();
    assertThat(data.dataFile()).isEqualTo(data.dumpId() + ".dat");
    assertThat(data.dependencies()).hasSize(1);
    TocEntry table =
        cat.entries().stream()
            .filter(e -> e.dumpId() == data.dependencies().get(0))
            .findFirst()
            .orElseThrow();
    assertThat(table.desc()).isEqualTo("TABLE");
    assertThat(table.dumpId()).isLessThan(data.dumpId());
    TableData td =
        cat.tables().stream().filter(t -> t.dumpId() == data.dumpId()).findFirst().orElseThrow();
    assertThat(td.copyOutSql())
        .isEqualTo(
            "COPY \"My Schema\".\"Order\" (\"Id\", alt_id, customer_id, \"Qty\", price, during, \"from\") TO STDOUT");
    assertThat(cat.entries().stream().filter(e -> e.desc().equals("TABLE DATA")).count())
        .isEqualTo(cat.tables().size());
    TocEntry empty =
        cat.entries().stream()
            .filter(e -> e.desc().equals("TABLE DATA") && e.tag().equals("empty_cols"))
            .findFirst()
            .orElseThrow();
    assertThat(empty.copyStmt()).isEqualTo("COPY app.empty_cols  FROM stdin;\n");
  }
}
