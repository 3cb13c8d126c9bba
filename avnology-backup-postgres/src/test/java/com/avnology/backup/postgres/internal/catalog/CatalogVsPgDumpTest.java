package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Field-by-field comparison of this reader's entries with a real pg_dump -Fc archive. */
final class CatalogVsPgDumpTest {

  static List<String> differences(String db) throws Exception {
    assumeThat(Fidelity.pgDumpUsable()).as("pg_dump is missing or older than the server").isTrue();
    Catalog cat = CatalogRoundTrip.read(db, CatalogOptions.all());
    Path f = Files.createTempFile("cmp", ".dump");
    CatalogRoundTrip.pgDump(db, "-Fc", "-f", f.toString());
    List<TocEntry> theirs = PgDumpTocReader.read(f);
    Files.delete(f);
    Map<Integer, String> theirKeys = new HashMap<>();
    Map<String, TocEntry> byKey = new HashMap<>();
    for (TocEntry e : theirs) {
      theirKeys.put(e.dumpId(), key(e));
      byKey.put(key(e), e);
    }
    Map<Integer, String> myKeys = new HashMap<>();
    for (TocEntry e : cat.entries()) {
      myKeys.put(e.dumpId(), key(e));
    }
    List<String> diffs = new ArrayList<>();
    for (TocEntry mine : cat.entries()) {
      TocEntry t = byKey.get(key(mine));
      if (t == null) {
        diffs.add("missing in pg_dump: " + key(mine));
        continue;
      }
      String k = key(mine) + ": ";
      cmp(diffs, k + "hadDumper", mine.hadDumper(), t.hadDumper());
      cmp(diffs, k + "catalogId", mine.tableOid() + "/" + mine.oid(), t.tableOid() + "/" + t.oid());
      cmp(diffs, k + "section", mine.section(), t.section());
      cmp(diffs, k + "defn", mine.defn(), t.defn());
      cmp(diffs, k + "dropStmt", mine.dropStmt(), t.dropStmt());
      cmp(diffs, k + "copyStmt", mine.copyStmt(), t.copyStmt());
      cmp(diffs, k + "namespace", mine.namespace(), t.namespace());
      cmp(diffs, k + "tablespace", mine.tablespace(), t.tablespace());
      cmp(diffs, k + "tableAm", mine.tableAm(), t.tableAm());
      cmp(diffs, k + "owner", mine.owner(), t.owner());
      cmp(
          diffs,
          k + "deps",
          names(mine.dependencies(), myKeys),
          names(t.dependencies(), theirKeys));
    }
    return diffs;
  }

  private static String key(TocEntry e) {
    return e.desc() + "|" + e.namespace() + "|" + e.tag();
  }

  private static Set<String> names(List<Integer> ids, Map<Integer, String> keys) {
    Set<String> out = new LinkedHashSet<>();
    for (int id : ids) {
      if (keys.containsKey(id)) {
        out.add(keys.get(id));
      }
    }
    return new java.util.TreeSet<>(out);
  }

  private static void cmp(List<String> diffs, String what, Object mine, Object theirs) {
    if (!Objects.equals(mine, theirs)) {
      diffs.add(what + "\n   mine:   " + mine + "\n   pg_dump:" + theirs);
    }
  }

  @Test
  void read_awkwardFixture_entriesMatchPgDump() throws Exception {
    String db = CatalogRoundTrip.source("cmp", CatalogReaderTest.resource("awkward.sql"));
    List<String> diffs = differences(db);
    CatalogRoundTrip.report("awkward-vs-pgdump.txt", diffs);
    assertThat(diffs).isEmpty();
  }

  @Test
  void read_loopsFixture_entriesMatchPgDump() throws Exception {
    assumeThat(EmbeddedPg.majorVersion())
        .as("BEGIN ATOMIC bodies need PostgreSQL 14+")
        .isGreaterThanOrEqualTo(14);
    String db = CatalogRoundTrip.source("cmploops", CatalogReaderTest.resource("loops.sql"));
    List<String> diffs = differences(db);
    CatalogRoundTrip.report("loops-vs-pgdump.txt", diffs);
    assertThat(diffs).isEmpty();
  }

  @Test
  void read_kratosSchema_entriesMatchPgDump() throws Exception {
    String db =
        CatalogRoundTrip.source("cmpkratos", CatalogOryKratosTest.schema("ory-kratos-schema.sql"));
    List<String> diffs = differences(db);
    CatalogRoundTrip.report("kratos-vs-pgdump.txt", diffs);
    assertThat(diffs).isEmpty();
  }

  @Test
  void read_extrasFixture_entriesMatchPgDump() throws Exception {
    String db = CatalogRoundTrip.source("cmpextras", CatalogReaderTest.resource("extras.sql"));
    List<String> diffs = differences(db);
    CatalogRoundTrip.report("extras-vs-pgdump.txt", diffs);
    assertThat(diffs).isEmpty();
  }
}
