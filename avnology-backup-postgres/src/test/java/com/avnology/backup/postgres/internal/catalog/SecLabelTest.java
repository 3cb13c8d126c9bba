package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Security labels. No label provider is loaded in the test servers (sepgsql needs SELinux), and
 * {@code SECURITY LABEL} refuses to run without one; the labels are recorded the way it would
 * record them, in {@code pg_seclabel}, so that what is dumped can be checked: one entry per object
 * with every provider's label (a table's holds its columns' too), as pg_dump writes them.
 */
final class SecLabelTest {

  @Test
  void read_securityLabels_entriesLikePgDump() throws Exception {
    String db =
        CatalogRoundTrip.source(
            "seclabel",
            """
            CREATE SCHEMA "Labelled";
            CREATE TABLE "Labelled".t (id int, "Secret" text);
            CREATE FUNCTION "Labelled".f(integer) RETURNS integer LANGUAGE sql AS 'SELECT $1';
            INSERT INTO pg_catalog.pg_seclabel VALUES
             ('"Labelled".t'::regclass, 'pg_class'::regclass, 0, 'selinux',
              'system_u:object_r:sepgsql_table_t:s0'),
             ('"Labelled".t'::regclass, 'pg_class'::regclass, 2, 'selinux',
              'system_u:object_r:sepgsql_secret_column_t:s0'),
             ('"Labelled".t'::regclass, 'pg_class'::regclass, 0, 'other provider', 'it''s mine'),
             ('"Labelled".f(integer)'::regprocedure, 'pg_proc'::regclass, 0, 'selinux',
              'system_u:object_r:sepgsql_proc_exec_t:s0'),
             ('"Labelled"'::regnamespace, 'pg_namespace'::regclass, 0, 'selinux',
              'system_u:object_r:sepgsql_schema_t:s0');\
            """);

    Catalog cat = CatalogRoundTrip.read(db, CatalogOptions.all());

    assertThat(cat.entries())
        .filteredOn(e -> e.desc().equals("SECURITY LABEL"))
        .extracting(TocEntry::tag)
        .containsExactlyInAnyOrder("SCHEMA \"Labelled\"", "TABLE t", "FUNCTION f(integer)");
    assertThat(cat.entries())
        .filteredOn(e -> e.tag().equals("TABLE t") && e.desc().equals("SECURITY LABEL"))
        .singleElement()
        .extracting(TocEntry::defn)
        .asString()
        .contains(
            "SECURITY LABEL FOR selinux ON TABLE \"Labelled\".t IS"
                + " 'system_u:object_r:sepgsql_table_t:s0';\n")
        .contains(
            "SECURITY LABEL FOR \"other provider\" ON TABLE \"Labelled\".t IS 'it''s mine';\n")
        .contains(
            "SECURITY LABEL FOR selinux ON COLUMN \"Labelled\".t.\"Secret\" IS"
                + " 'system_u:object_r:sepgsql_secret_column_t:s0';\n");
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump older than the server");
    assertThat(CatalogVsPgDumpTest.differences(db)).isEmpty();
    Path f = Files.createTempFile("seclabel", ".dump");
    CatalogRoundTrip.pgDump(db, "-Fc", "-f", f.toString());
    List<String> theirs =
        PgDumpTocReader.read(f).stream()
            .filter(e -> e.desc().equals("SECURITY LABEL"))
            .map(e -> e.tag() + "|" + e.defn())
            .toList();
    Files.delete(f);
    assertThat(
            cat.entries().stream()
                .filter(e -> e.desc().equals("SECURITY LABEL"))
                .map(e -> e.tag() + "|" + e.defn())
                .toList())
        .containsExactlyInAnyOrderElementsOf(theirs);
  }
}
