package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.OryFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 346 Ory Kratos migrations (V345 and V346 are CREATE INDEX CONCURRENTLY, outside a
 * transaction) against ory-kratos-schema.sql. Skipped without the fixtures (ORY_FIXTURES).
 */
class MigrationOryKratosTest {
  private static final Logger log = LoggerFactory.getLogger(MigrationOryKratosTest.class);

  @Test
  void kratosMigrationsBuildTheReferenceSchemaOnceAndOnlyOnce() {
    Path dir = OryFixtures.requireDirectory().resolve("ory-kratos-migrations");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir), "missing " + dir);
    String db = EmbeddedPg.createDatabase("mig_kratos");
    DataSource ds = EmbeddedPg.dataSource(db);
    Migrations kratos = Migrations.builder(ds).locations("filesystem:" + dir).build();

    MigrationResult first = kratos.migrate();
    log.info("kratos: {} migrations in {}", first.applied().size(), first.duration());
    assertThat(first.applied()).hasSize(346);
    assertThat(first.versionAfter()).isEqualTo("346");
    assertThat(first.applied().get(344).script())
        .isEqualTo(
            "V345__20260616000000000000_courier_messages_restore_list_index"
                + ".postgres.autocommit.up.sql");
    assertThat(MigrationsTest.query(db, "SELECT count(*) FROM pg_index WHERE NOT indisvalid"))
        .containsExactly("0");

    MigrationResult second = kratos.migrate();
    assertThat(second.applied()).isEmpty();
    assertThat(second.versionBefore()).isEqualTo("346");
    kratos.validate();

    String reference = EmbeddedPg.createDatabase("mig_kratos_ref");
    OryFixtures.loadSchema("kratos", reference);
    Fidelity.assertSameText(
        "pg_dump --schema-only (migrated vs ory-kratos-schema.sql, without"
            + " flyway_schema_history)",
        Fidelity.schemaDump(reference),
        withoutHistoryTable(Fidelity.schemaDump(db)));
  }

  /** Drops pg_dump's blocks (from one "-- Name:" header to the next) about the history table. */
  static String withoutHistoryTable(String dump) {
    List<String> kept = new ArrayList<>();
    String[] blocks = dump.split("(?=\n--\n-- Name: )");
    for (String b : blocks) {
      if (!b.startsWith("\n--\n-- Name: flyway_schema_history")) {
        kept.add(b);
      }
    }
    return String.join("", kept);
  }
}
