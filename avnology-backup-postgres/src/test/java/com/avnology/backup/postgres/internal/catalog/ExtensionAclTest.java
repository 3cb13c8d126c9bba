package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.testing.Fidelity;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Privileges on extension members changed from what {@code CREATE EXTENSION} (or initdb, for
 * plpgsql) gave them: dumped as ACL entries of their own, restored over the recreated extension.
 */
final class ExtensionAclTest {

  @Test
  void read_changedPrivilegesOfExtensionMembers_restoredAndLikePgDump() throws Exception {
    String db =
        CatalogRoundTrip.source(
            "extacl",
            """
            CREATE EXTENSION citext;
            REVOKE EXECUTE ON FUNCTION public.citext(boolean) FROM PUBLIC;
            GRANT USAGE ON TYPE public.citext TO pg_monitor;
            GRANT USAGE ON LANGUAGE plpgsql TO pg_monitor;
            CREATE TABLE public.uses (name public.citext);\
            """);

    Catalog cat = CatalogRoundTrip.read(db, CatalogOptions.all());
    String target = CatalogRoundTrip.restore(db, cat);

    assertThat(cat.entries())
        .filteredOn(e -> e.desc().equals("ACL"))
        .extracting(TocEntry::tag)
        .contains("LANGUAGE plpgsql", "TYPE citext", "FUNCTION citext(boolean)");
    Fidelity.assertSameDatabase(db, target);
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump older than the server");
    assertThat(CatalogVsPgDumpTest.differences(db)).isEmpty();
  }
}
