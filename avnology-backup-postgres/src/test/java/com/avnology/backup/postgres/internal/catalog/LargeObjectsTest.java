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

/** BLOB, BLOBS and large-object COMMENT and ACL entries, field by field as pg_dump writes them. */
final class LargeObjectsTest {
  private static final String SQL =
      """
      DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'lo_reader') THEN
        CREATE ROLE lo_reader; END IF; END $$;
      SELECT lo_from_bytea(30001, 'one'::bytea);
      SELECT lo_from_bytea(30002, 'two'::bytea);
      COMMENT ON LARGE OBJECT 30001 IS 'the first one';
      GRANT SELECT ON LARGE OBJECT 30002 TO lo_reader;
      ALTER LARGE OBJECT 30001 OWNER TO lo_reader;\
      """;

  @Test
  void read_largeObjects_entriesMatchPgDump() throws Exception {
    EmbeddedPg.server();
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump older than the server");
    String db = CatalogRoundTrip.source("locmp", SQL);

    List<String> diffs = CatalogVsPgDumpTest.differences(db);

    Files.createDirectories(Path.of("target", "fidelity"));
    Files.write(Path.of("target", "fidelity", "large-objects-vs-pgdump.txt"), diffs);
    assertThat(diffs).isEmpty();
  }

  @Test
  void read_largeObjects_leftOutWhenNotWantedOrSelective() throws Exception {
    String db = CatalogRoundTrip.source("losel", SQL);

    Catalog all = CatalogRoundTrip.read(db, CatalogOptions.all());
    Catalog without =
        CatalogRoundTrip.read(
            db,
            new CatalogOptions(List.of(), List.of(), List.of(), List.of(), false, false, false));
    Catalog schema =
        CatalogRoundTrip.read(
            db,
            new CatalogOptions(List.of("public"), List.of(), List.of(), List.of(), false, false));

    assertThat(all.entries())
        .extracting(e -> e.desc() + " " + e.tag())
        .containsSubsequence(
            "BLOB 30001",
            "COMMENT LARGE OBJECT 30001",
            "BLOB 30002",
            "ACL LARGE OBJECT 30002",
            "BLOBS BLOBS");
    TocEntry blobs =
        all.entries().stream().filter(e -> e.desc().equals("BLOBS")).findFirst().orElseThrow();
    assertThat(blobs.dataFile()).isEqualTo("blobs.toc");
    assertThat(blobs.hadDumper()).isTrue();
    assertThat(without.entries()).noneMatch(e -> e.desc().startsWith("BLOB"));
    assertThat(schema.entries()).noneMatch(e -> e.desc().startsWith("BLOB"));
  }
}
