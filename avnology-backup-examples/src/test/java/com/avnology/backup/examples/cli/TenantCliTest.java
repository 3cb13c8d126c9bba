package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TenantCliTest {
  static EmbeddedPostgres pg;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws IOException {
    pg = TestPg.start("cli-tenant");
  }

  @AfterAll
  static void stop() throws IOException {
    pg.close();
  }

  @Test
  void restoreTenant_dryRunThenRestore_thenFailOnConflict() throws Exception {
    TestPg.exec(pg, "postgres", "CREATE DATABASE cli_tenant");
    TestPg.exec(
        pg,
        "cli_tenant",
        "CREATE TABLE orgs (id int PRIMARY KEY, slug text UNIQUE);"
            + " CREATE TABLE members (id serial PRIMARY KEY,"
            + "   org_id int NOT NULL REFERENCES orgs ON DELETE CASCADE, name text);"
            + " CREATE TABLE audit (org_slug text, event text);"
            + " INSERT INTO orgs VALUES (1, 'acme'), (2, 'globex');"
            + " INSERT INTO members (org_id, name) SELECT 1 + g % 2, 'm' || g"
            + "   FROM generate_series(1, 10) g;"
            + " INSERT INTO audit VALUES ('acme', 'signup'), ('globex', 'signup')");
    String sink = "file:" + tmp.resolve("backups");
    String url = TestPg.url(pg, "cli_tenant");
    assertThat(CliTest.cli("backup", "--postgres", url, "--to", sink).code()).isZero();
    TestPg.exec(
        pg,
        "cli_tenant",
        "DELETE FROM orgs WHERE id = 1; DELETE FROM audit"
            + " WHERE org_slug = 'acme'; UPDATE members SET name = 'changed' WHERE org_id = 2");

    CliTest.Run dry =
        CliTest.cli(
            "restore-tenant",
            "--from",
            sink,
            "--postgres",
            url,
            "--root",
            "orgs",
            "--key",
            "id=1",
            "--filter",
            "audit:org_slug=acme",
            "--dry-run",
            "--json");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("\"dryRun\" : true")
        .contains("\"inserted\" : 7")
        .contains("\"table\" : \"public.members\"");
    assertThat(TestPg.query(pg, "cli_tenant", "SELECT count(*) FROM members")).isEqualTo("5");

    CliTest.Run restore =
        CliTest.cli(
            "restore-tenant",
            "--from",
            sink,
            "--set",
            "latest",
            "--postgres",
            url,
            "--root",
            "orgs",
            "--key",
            "id=1",
            "--filter",
            "audit:org_slug=acme");
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(restore.out())
        .contains("restored tenant orgs.id=1: 7 insert, 0 update, 0 skip")
        .contains("public.members: 5 insert");
    assertThat(
            TestPg.query(
                pg,
                "cli_tenant",
                "SELECT count(*) || ' ' || count(*) FILTER"
                    + " (WHERE name = 'changed') FROM members"))
        .isEqualTo("10 5");
    assertThat(TestPg.query(pg, "cli_tenant", "SELECT count(*) FROM audit")).isEqualTo("2");

    CliTest.Run fail =
        CliTest.cli(
            "restore-tenant",
            "--from",
            sink,
            "--postgres",
            url,
            "--root",
            "orgs",
            "--key",
            "id=1",
            "--on-conflict",
            "fail");
    assertThat(fail.code()).isEqualTo(1);
    assertThat(fail.err())
        .contains("public.members (5)")
        .contains("give --on-conflict skip (keep the live rows) or --on-conflict overwrite");

    CliTest.Run bad =
        CliTest.cli(
            "restore-tenant",
            "--from",
            sink,
            "--postgres",
            url,
            "--root",
            "orgs",
            "--key",
            "id",
            "--on-conflict",
            "merge");
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.err()).contains("--key must be COLUMN=VALUE: 'id'");
    CliTest.Run policy =
        CliTest.cli(
            "restore-tenant",
            "--from",
            sink,
            "--postgres",
            url,
            "--root",
            "orgs",
            "--key",
            "id=1",
            "--on-conflict",
            "merge");
    assertThat(policy.code()).isEqualTo(2);
    assertThat(policy.err()).contains("--on-conflict must be skip, overwrite or fail: 'merge'");
  }
}
