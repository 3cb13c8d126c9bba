package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.OryFixtures;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One Ory Kratos network (tenant) deleted and restored by its id, with every table keyed by {@code
 * nid}; skipped when the Ory fixtures are absent ({@code ORY_FIXTURES}).
 */
final class TenantRestoreOryTest {
  @TempDir Path tmp;

  @Test
  void kratos_deletedNetwork_comesBackAndTheOthersKeepTheirChanges() {
    OryFixtures.requireDirectory();
    String live = EmbeddedPg.createDatabase("kratos_tenant");
    OryFixtures.loadSchema("kratos", live);
    OryFixtures.fillWithRows(live, 9);
    intoThreeNetworks(live);
    List<String> networks = column(live, "SELECT id::text FROM networks ORDER BY id");
    assertThat(networks).hasSize(3);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder().target(TenantRestorePlanTest.target(live)).sink(sink).build().run();
    String lost = networks.get(1);
    String other = networks.get(0);
    String changes =
        "UPDATE identities SET traits = '{\"changed\": true}' WHERE nid = '"
            + other
            + "'; UPDATE sessions SET active = NOT coalesce(active, false) WHERE nid = '"
            + other
            + "'; DELETE FROM courier_messages WHERE nid = '"
            + networks.get(2)
            + "';";
    Fidelity.applySql("DELETE FROM networks WHERE id = '" + lost + "';" + changes, live);

    TenantRestorePlan plan =
        TenantRestorePlan.builder(sink, TenantRestorePlanTest.target(live))
            .root("networks", "id", lost)
            .onConflict(ConflictPolicy.OVERWRITE)
            .build();
    TenantRestoreReport preview = plan.preview();
    TenantRestoreReport done = plan.restore();

    assertThat(done.tables()).isEqualTo(preview.tables());
    assertThat(done.tables()).hasSizeGreaterThanOrEqualTo(8);
    assertThat(done.table("public.networks").insert()).isEqualTo(1);
    assertThat(done.table("public.identities").insert()).isGreaterThanOrEqualTo(2);
    assertThat(done.inserted()).isGreaterThanOrEqualTo(30);
    assertThat(done.updated()).isZero();
    String expected = EmbeddedPg.createDatabase("kratos_expected");
    RestorePlan.builder(sink).target(TenantRestorePlanTest.target(expected)).build().execute();
    Fidelity.applySql(changes, expected);
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(live)))
        .isEqualTo(Fidelity.tableHashes(EmbeddedPg.dataSource(expected)));

    // again: every row is there now
    TenantRestorePlan.Builder again =
        TenantRestorePlan.builder(sink, TenantRestorePlanTest.target(live))
            .root("networks", "id", lost);
    TenantRestoreReport skipped = again.onConflict(ConflictPolicy.SKIP).build().restore();
    assertThat(skipped.inserted()).isZero();
    assertThat(skipped.skipped()).isEqualTo(done.inserted());
    assertThatThrownBy(() -> again.onConflict(ConflictPolicy.FAIL).build().restore())
        .hasMessageContaining(
            "public.identities (" + done.table("public.identities").insert() + ")");
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(live)))
        .isEqualTo(Fidelity.tableHashes(EmbeddedPg.dataSource(expected)));
  }

  /**
   * Folds the filler's nine networks into three (rows of network i go to network i mod 3), then
   * makes the rows consistent and drops the six empty networks.
   */
  private static void intoThreeNetworks(String db) {
    List<String> tables =
        column(
            db,
            "SELECT c.oid::regclass::text FROM pg_class c"
                + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'nid'"
                + " WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace");
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE nidmap AS SELECT n.id AS old, k.id AS new FROM"
              + " (SELECT id, (row_number() OVER (ORDER BY id) - 1) % 3 AS g FROM networks) n JOIN"
              + " (SELECT id, row_number() OVER (ORDER BY id) - 1 AS g FROM networks ORDER BY id"
              + "  LIMIT 3) k USING (g)");
      for (String t : tables) {
        s.execute(
            "UPDATE "
                + t
                + " t SET nid = m.new FROM nidmap m WHERE t.nid = m.old"
                + " AND m.old <> m.new");
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    keepNetworksConsistent(db);
    Fidelity.applySql(
        "DELETE FROM networks WHERE id NOT IN (SELECT id FROM networks ORDER BY id" + " LIMIT 3)",
        db);
  }

  /**
   * The generic filler picks parents without regard to networks; Kratos never mixes them. Rows
   * whose {@code nid} differs from their parent's are removed (with what cascades) until none is
   * left, so a network's rows are exactly what references it.
   */
  private static void keepNetworksConsistent(String db) {
    List<String> deletes =
        column(
            db,
            "SELECT format('DELETE FROM %s c USING %s p WHERE %s AND"
                + " c.nid IS DISTINCT FROM p.nid', f.conrelid::regclass, f.confrelid::regclass,"
                + " (SELECT string_agg(format('c.%I = p.%I', a.attname, b.attname), ' AND ')"
                + "  FROM unnest(f.conkey, f.confkey) k(c, p)"
                + "  JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.c"
                + "  JOIN pg_attribute b ON b.attrelid = f.confrelid AND b.attnum = k.p))"
                + " FROM pg_constraint f WHERE f.contype = 'f' AND f.confrelid <> 'networks'::regclass"
                + " AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = f.conrelid AND attname = 'nid')"
                + " AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = f.confrelid AND attname = 'nid')");
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      int removed;
      do {
        removed = 0;
        for (String d : deletes) {
          removed += s.executeUpdate(d);
        }
      } while (removed > 0);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> column(String db, String sql) {
    List<String> out = new ArrayList<>();
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }
}
