package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Compression;
import com.avnology.backup.postgres.PgDumpArchive;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Extension configuration tables ({@code pg_extension_config_dump}): only their data is dumped,
 * filtered by the extension's condition, and a configuration sequence's value. No extension shipped
 * with the server declares one, and {@code pg_extension_config_dump} only runs inside an extension
 * script, so the test declares them the way that function does: members of a real extension,
 * recorded in {@code pg_extension.extconfig} / {@code extcondition}.
 */
final class ExtensionConfigTest {
  @TempDir Path tmp;

  private static final String SQL =
      """
      CREATE EXTENSION citext;
      CREATE TABLE public.cfg (id int PRIMARY KEY, name text, standard boolean NOT NULL,
        doubled int GENERATED ALWAYS AS (id * 2) STORED);
      INSERT INTO public.cfg VALUES (1, 'shipped', true), (2, 'user; one', false),
        (3, 'user two', false);
      CREATE TABLE public.cfg_child (id int PRIMARY KEY, cfg int REFERENCES public.cfg);
      INSERT INTO public.cfg_child VALUES (10, 2);
      CREATE SEQUENCE public.cfg_seq;
      SELECT setval('public.cfg_seq', 77);
      ALTER EXTENSION citext ADD TABLE public.cfg;
      ALTER EXTENSION citext ADD TABLE public.cfg_child;
      ALTER EXTENSION citext ADD SEQUENCE public.cfg_seq;
      UPDATE pg_catalog.pg_extension SET extconfig = ARRAY['public.cfg'::regclass,
        'public.cfg_child'::regclass, 'public.cfg_seq'::regclass]::oid[],
        extcondition = ARRAY['WHERE NOT standard', '', ''] WHERE extname = 'citext';\
      """;

  @Test
  void read_extensionConfigTables_dataWithFilterAndSequenceValue_likePgDump() throws Exception {
    String db = CatalogRoundTrip.source("extcfg", SQL);

    Catalog cat = CatalogRoundTrip.read(db, CatalogOptions.all());

    assertThat(cat.entries())
        .filteredOn(e -> "public".equals(e.namespace()))
        .extracting(e -> e.desc() + " " + e.tag())
        .contains("TABLE DATA cfg", "TABLE DATA cfg_child", "SEQUENCE SET cfg_seq")
        .doesNotContain("TABLE cfg", "SEQUENCE cfg_seq");
    assertThat(cat.entries())
        .filteredOn(e -> e.desc().equals("SEQUENCE SET"))
        .extracting(TocEntry::defn)
        .containsExactly("SELECT pg_catalog.setval('public.cfg_seq', 77, true);\n");
    assertThat(cat.tables())
        .filteredOn(t -> t.table().equals("cfg"))
        .singleElement()
        .extracting(TableData::copyOutSql)
        .isEqualTo("COPY (SELECT id, name, standard FROM public.cfg WHERE NOT standard) TO STDOUT");
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump older than the server");
    assertThat(CatalogVsPgDumpTest.differences(db)).isEmpty();
  }

  /** pg_restore prints the same rows from our archive as from pg_dump's. */
  @Test
  void export_extensionConfigTables_pgRestoreReadsTheFilteredRows() throws Exception {
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump older than the server");
    String db = CatalogRoundTrip.source("extcfgx", SQL);
    Path ours = tmp.resolve("ours.dump");
    Path theirs = tmp.resolve("theirs.dump");
    PgDumpArchive.export(
        PostgresTarget.builder(EmbeddedPg.dataSource(db)).build(), ours, Compression.gzip(1));
    Fidelity.runTool("pg_dump", "-Fc", "-f", theirs.toString(), "-d", db);

    String oursData = dataOf(ours);

    assertThat(oursData)
        .isEqualTo(dataOf(theirs))
        .contains("2\tuser; one\tf\n3\tuser two\tf\n\\.")
        .doesNotContain("shipped")
        .contains("10\t2\n")
        .contains("SELECT pg_catalog.setval('public.cfg_seq', 77, true);");
  }

  private static String dataOf(Path archive) {
    String all = Fidelity.runTool("pg_restore", "-a", "-f", "-", archive.toString());
    return String.join(
        "\n",
        List.of(all.split("\n")).stream()
            .filter(
                l ->
                    !l.startsWith("--")
                        && !l.startsWith("\\restrict")
                        && !l.startsWith("\\unrestrict")
                        && !l.startsWith("SET ")
                        && !l.startsWith("SELECT pg_catalog.set_config"))
            .toList());
  }
}
