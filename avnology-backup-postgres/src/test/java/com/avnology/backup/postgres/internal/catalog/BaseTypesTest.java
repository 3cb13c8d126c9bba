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
 * Base types (with their SHELL TYPE ahead of the I/O functions) and lone shell types: recreated
 * identically, in pg_dump's order, and entry by entry as pg_dump writes them.
 */
final class BaseTypesTest {

  @Test
  void read_baseTypes_recreatesIdenticallyInPgDumpOrder() throws Exception {
    String db = CatalogRoundTrip.source("basetypes", CatalogReaderTest.resource("base-types.sql"));

    Catalog cat = CatalogRoundTrip.assertRoundTrip(db);

    assertThat(cat.entries())
        .extracting(e -> e.desc() + " " + e.tag())
        .containsSubsequence(
            "SHELL TYPE int42",
            "FUNCTION int42_in(cstring)",
            "FUNCTION int42_out(bt.int42)",
            "TYPE int42",
            "CAST CAST (integer AS bt.int42)")
        .containsSubsequence(
            "SHELL TYPE myrange", "FUNCTION myrange_canon(bt.myrange)", "TYPE myrange")
        .contains(
            "TYPE myshell",
            "SHELL TYPE int4pair",
            "TYPE Text W Default",
            "COMMENT TYPE myshell",
            "COMMENT TYPE int42",
            "ACL TYPE int42");
    TocEntry shell =
        cat.entries().stream().filter(e -> e.desc().equals("SHELL TYPE")).findFirst().orElseThrow();
    assertThat(shell.dropStmt()).isNull();
    assertThat(shell.oid()).isEqualTo("0");
  }

  @Test
  void read_baseTypes_entriesMatchPgDump() throws Exception {
    EmbeddedPg.server();
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump older than the server");
    String db =
        CatalogRoundTrip.source("basetypescmp", CatalogReaderTest.resource("base-types.sql"));

    List<String> diffs = CatalogVsPgDumpTest.differences(db);

    Files.createDirectories(Path.of("target", "fidelity"));
    Files.write(Path.of("target", "fidelity", "base-types-vs-pgdump.txt"), diffs);
    assertThat(diffs).isEmpty();
  }
}
