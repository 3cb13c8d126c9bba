package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The fidelity check over the real Ory Kratos schema ({@code ORY_FIXTURES}). */
final class CatalogOryKratosTest {

  static Path fixtures() {
    String dir = System.getProperty("ORY_FIXTURES", System.getenv("ORY_FIXTURES"));
    return dir == null ? null : Path.of(dir);
  }

  /** A pg_dump plain schema file without its psql \restrict lines. */
  static String schema(String file) throws Exception {
    Path dir = fixtures();
    assumeThat(dir)
        .as("set ORY_FIXTURES (system property or env) to the ory fixtures dir")
        .isNotNull();
    Path f = dir.resolve(file);
    assumeThat(Files.exists(f)).as(f + " missing").isTrue();
    return Files.readAllLines(f).stream()
        .filter(l -> !l.startsWith("\\restrict") && !l.startsWith("\\unrestrict"))
        .collect(Collectors.joining("\n"));
  }

  @Test
  void read_kratosSchema_recreatesIdentically() throws Exception {
    String db = CatalogRoundTrip.source("kratos", schema("ory-kratos-schema.sql"));
    Catalog cat = CatalogRoundTrip.assertRoundTrip(db);
    assertThat(cat.entries()).filteredOn(e -> e.desc().equals("TABLE")).hasSize(26);
    assertThat(cat.entries())
        .extracting(TocEntry::desc)
        .contains("EXTENSION", "INDEX", "FK CONSTRAINT");
  }

  @Test
  void read_hydraSchema_recreatesIdentically() throws Exception {
    CatalogRoundTrip.assertRoundTrip(
        CatalogRoundTrip.source("hydra", schema("ory-hydra-schema.sql")));
  }

  @Test
  void read_ketoSchema_recreatesIdentically() throws Exception {
    CatalogRoundTrip.assertRoundTrip(
        CatalogRoundTrip.source("keto", schema("ory-keto-schema.sql")));
  }
}
