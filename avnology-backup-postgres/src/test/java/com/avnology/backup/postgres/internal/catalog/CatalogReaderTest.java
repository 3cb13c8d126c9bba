package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

final class CatalogReaderTest {

  static String resource(String name) throws IOException {
    try (InputStream in = CatalogReaderTest.class.getResourceAsStream("/catalog/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void read_awkwardFixture_recreatesIdentically() throws Exception {
    String db = CatalogRoundTrip.source("awkward", resource("awkward.sql"));
    Catalog cat = CatalogRoundTrip.assertRoundTrip(db);
    assertThat(cat.entries())
        .extracting(TocEntry::desc)
        .startsWith("ENCODING", "STDSTRINGS", "SEARCHPATH");
  }

  @Test
  void read_dependencyLoops_recreateIdentically() throws Exception {
    assumeThat(EmbeddedPg.majorVersion())
        .as("BEGIN ATOMIC bodies need PostgreSQL 14+")
        .isGreaterThanOrEqualTo(14);
    String db = CatalogRoundTrip.source("loops", resource("loops.sql"));
    Catalog cat = CatalogRoundTrip.assertRoundTrip(db);
    assertThat(cat.entries())
        .extracting(e -> e.desc() + " " + e.tag())
        .contains(
            "CHECK CONSTRAINT t t_small",
            "DEFAULT t n",
            "CHECK CONSTRAINT t2 t2_v_check",
            "RULE v_grp _RETURN");
  }

  @Test
  void read_extrasFixture_recreatesIdentically() throws Exception {
    String db = CatalogRoundTrip.source("extras", resource("extras.sql"));
    Catalog cat = CatalogRoundTrip.assertRoundTrip(db);
    assertThat(cat.entries())
        .extracting(TocEntry::desc)
        .contains("COLLATION", "STATISTICS", "DEFAULT ACL", "EVENT TRIGGER");
  }
}
