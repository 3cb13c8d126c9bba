package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rough figures, not a test: {@code -Dtest=TenantRestoreBench -Dbench.rows=1000000} makes that many
 * tasks over 100 organizations (the tenant fixture's schema, scaled), deletes one and restores it
 * from the set, printing the times.
 */
@EnabledIfSystemProperty(named = "bench.rows", matches = "\\d+")
final class TenantRestoreBench {
  @TempDir Path tmp;

  @Test
  void oneOrganizationOfAHundred() {
    long tasks = Long.getLong("bench.rows");
    long perProject = Math.max(1, tasks / 100 / 10);
    String db = EmbeddedPg.createDatabase("tenant_bench");
    String schema = Fidelity.resource("/fixtures/tenants.sql");
    Fidelity.applySql(schema.substring(0, schema.indexOf("INSERT INTO saas.plans")), db);
    // foreign-key columns indexed, as a real schema has them (else the cascading delete scans)
    Fidelity.applySql(
        "CREATE INDEX ON saas.users (org_id); CREATE INDEX ON saas.users (manager_id);"
            + " CREATE INDEX ON saas.projects (org_id); CREATE INDEX ON saas.projects (lead_id);"
            + " CREATE INDEX ON saas.project_members (user_id);"
            + " CREATE INDEX ON saas.tasks (project_id); CREATE INDEX ON saas.tasks (parent_id);"
            + " CREATE INDEX ON saas.tasks (assignee_id); CREATE INDEX ON saas.comments (task_id);"
            + " CREATE INDEX ON saas.comments (author_id);",
        db);
    Fidelity.applySql(
        "INSERT INTO saas.plans VALUES (1, 'free');"
            + " INSERT INTO saas.organizations (slug, name, plan_id)"
            + "   SELECT 'org' || o, 'Org ' || o, 1 FROM generate_series(1, 100) o;"
            + " INSERT INTO saas.users (org_id, email)"
            + "   SELECT o.id, u || '@' || o.slug FROM saas.organizations o,"
            + "   generate_series(1, 50) u;"
            + " INSERT INTO saas.projects (id, org_id, name)"
            + "   SELECT md5(o.slug || p)::uuid, o.id, 'p' || p FROM saas.organizations o,"
            + "   generate_series(1, 10) p;"
            + " INSERT INTO saas.tasks (project_id, title, done)"
            + "   SELECT p.id, 'task ' || t || repeat('x', 80), t % 3 = 0 FROM saas.projects p,"
            + "   generate_series(1, "
            + perProject
            + ") t;"
            + " INSERT INTO saas.comments (task_id, body) SELECT id, title FROM saas.tasks"
            + "   WHERE id % 2 = 0;",
        db);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    long t0 = System.nanoTime();
    Backup.builder().target(TenantRestorePlanTest.target(db)).sink(sink).build().run();
    long t1 = System.nanoTime();
    Fidelity.applySql("DELETE FROM saas.organizations WHERE slug = 'org42'", db);
    String id = TenantRestorePlanTest.query(db, "SELECT 42");
    TenantRestorePlan plan =
        TenantRestorePlan.builder(sink, TenantRestorePlanTest.target(db))
            .root("organizations", "id", id)
            .build();
    long t2 = System.nanoTime();
    TenantRestoreReport preview = plan.preview();
    long t3 = System.nanoTime();
    TenantRestoreReport done = plan.restore();
    long t4 = System.nanoTime();
    assertThat(done.tables()).isEqualTo(preview.tables());
    System.out.printf(
        "tenant bench: %d tasks in all; backup %d ms; dry run %d ms; restore %d ms"
            + " (%d rows inserted); heap used %d MiB%n",
        tasks,
        (t1 - t0) / 1_000_000,
        (t3 - t2) / 1_000_000,
        (t4 - t3) / 1_000_000,
        done.inserted(),
        (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory()) >> 20);
    System.out.println(done);
  }
}
