package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.BackupException;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Migrations over real PostgreSQL with the project's own fixtures (src/test/resources). */
class MigrationsTest {
  static final String APP = "classpath:migrations/app";

  @TempDir Path tmp;

  @Test
  void migrateAppliesAllThenNothing() {
    String db = EmbeddedPg.createDatabase("mig_idem");
    DataSource ds = EmbeddedPg.dataSource(db);
    MigrationResult first = Migrations.builder(ds).locations(APP).build().migrate();
    assertThat(first.versions()).containsExactly("1", "2", "3");
    assertThat(first.applied())
        .extracting(AppliedMigration::script)
        .containsExactly(
            "V1__create_accounts.sql", "V2__add_sessions.sql", "V3__accounts_email_index.sql");
    assertThat(first.applied())
        .extracting(AppliedMigration::description)
        .containsExactly("create accounts", "add sessions", "accounts email index");
    assertThat(first.applied()).allSatisfy(m -> assertThat(m.duration().isNegative()).isFalse());
    assertThat(first.versionBefore()).isNull();
    assertThat(first.versionAfter()).isEqualTo("3");
    assertThat(first.snapshot()).isEmpty();
    // the CONCURRENTLY migration ran outside a transaction and left a valid index
    assertThat(
            query(
                db,
                "SELECT indisvalid FROM pg_index WHERE indexrelid ="
                    + " 'accounts_email_idx'::regclass"))
        .containsExactly("t");

    MigrationResult second = Migrations.builder(ds).locations(APP).build().migrate();
    assertThat(second.applied()).isEmpty();
    assertThat(second.versionBefore()).isEqualTo("3");
    assertThat(second.versionAfter()).isEqualTo("3");
    assertThat(Migrations.builder(EmbeddedPg.jdbcUrl(db)).locations(APP).build().currentVersion())
        .contains("3");
    assertThat(query(db, "SELECT count(*) FROM flyway_schema_history")).containsExactly("3");
  }

  @Test
  void targetStopsAtVersionAndSchemasAreHonoured() {
    String db = EmbeddedPg.createDatabase("mig_target");
    DataSource ds = EmbeddedPg.dataSource(db);
    MigrationResult r =
        Migrations.builder(ds).locations(APP).schemas("app").target("2").build().migrate();
    assertThat(r.versions()).containsExactly("1", "2");
    assertThat(query(db, "SELECT count(*) FROM app.flyway_schema_history WHERE success"))
        .containsExactly("3"); // the schema-creation marker plus two migrations
    assertThat(query(db, "SELECT to_regclass('app.sessions') IS NOT NULL")).containsExactly("t");
    MigrationResult rest = Migrations.builder(ds).locations(APP).schemas("app").build().migrate();
    assertThat(rest.versions()).containsExactly("3");
  }

  @Test
  void editedMigrationIsRefusedByValidateAndMigrate() throws IOException {
    Path dir = copyApp();
    String db = EmbeddedPg.createDatabase("mig_edit");
    DataSource ds = EmbeddedPg.dataSource(db);
    Migrations m = Migrations.builder(ds).locations("filesystem:" + dir).build();
    m.migrate();
    Path v2 = dir.resolve("V2__add_sessions.sql");
    int recorded =
        Integer.parseInt(
            query(db, "SELECT checksum FROM flyway_schema_history WHERE version = '2'").get(0));
    Files.writeString(
        v2,
        Files.readString(v2).replace("expires_at timestamptz", "expires_at timestamptz NOT NULL"));

    for (Runnable call : List.<Runnable>of(m::validate, m::migrate, m::rollback)) {
      assertThatThrownBy(call::run)
          .isInstanceOf(MigrationChangedException.class)
          .isInstanceOf(IntegrityException.class)
          .hasMessageContaining("migration V2 (" + v2 + ") changed after it was applied")
          .hasMessageContaining("recorded checksum " + recorded + ", current checksum ")
          .hasMessageContaining("write a new migration with a higher version")
          .satisfies(
              e -> {
                MigrationChangedException c = (MigrationChangedException) e;
                assertThat(c.changes()).hasSize(1);
                assertThat(c.changes().get(0).version()).isEqualTo("2");
                assertThat(c.changes().get(0).script()).isEqualTo("V2__add_sessions.sql");
                assertThat(c.changes().get(0).recordedChecksum()).isEqualTo(recorded);
                assertThat(c.changes().get(0).currentChecksum()).isNotEqualTo(recorded);
                assertThat(c.changes().get(0).problem()).isEqualTo("changed");
              });
    }
    // nothing ran: still V3, same history
    assertThat(query(db, "SELECT count(*) FROM flyway_schema_history")).containsExactly("3");
  }

  @Test
  void lineEndingsAndBomAloneAreNotAChange() throws IOException {
    Path dir = copyApp();
    String db = EmbeddedPg.createDatabase("mig_crlf");
    DataSource ds = EmbeddedPg.dataSource(db);
    Migrations m = Migrations.builder(ds).locations("filesystem:" + dir).build();
    m.migrate();
    List<String> before =
        query(
            db,
            "SELECT version || ':' || checksum FROM"
                + " flyway_schema_history ORDER BY installed_rank");
    Path v1 = dir.resolve("V1__create_accounts.sql");
    Path v2 = dir.resolve("V2__add_sessions.sql");
    String lf = Files.readString(v1);
    assertThat(lf).contains("\n").doesNotContain("\r");
    Files.writeString(v1, lf.replace("\n", "\r\n")); // CRLF
    Files.writeString(v2, "\uFEFF" + Files.readString(v2).replace("\n", "\r")); // BOM + old Mac CR
    m.validate();
    assertThat(m.migrate().applied()).isEmpty();
    assertThat(
            query(
                db,
                "SELECT version || ':' || checksum FROM"
                    + " flyway_schema_history ORDER BY installed_rank"))
        .isEqualTo(before);
    // ... and the other way round: a database migrated from CRLF files accepts LF files
    String db2 = EmbeddedPg.createDatabase("mig_crlf2");
    Migrations m2 =
        Migrations.builder(EmbeddedPg.dataSource(db2)).locations("filesystem:" + dir).build();
    m2.migrate();
    Files.writeString(v1, lf);
    m2.validate();
    // a real change next to the line-ending change is still caught
    Files.writeString(v1, lf.replace("\n", "\r\n").replace("NOT NULL", "NULL"));
    assertThatThrownBy(m2::validate)
        .isInstanceOf(MigrationChangedException.class)
        .hasMessageContaining("migration V1 (" + v1 + ") changed after it was applied");
  }

  @Test
  void renamedOrRemovedMigrationIsRefused() throws IOException {
    Path dir = copyApp();
    String db = EmbeddedPg.createDatabase("mig_rename");
    Migrations m =
        Migrations.builder(EmbeddedPg.dataSource(db)).locations("filesystem:" + dir).build();
    m.migrate();
    Files.move(dir.resolve("V2__add_sessions.sql"), dir.resolve("V2__sessions.sql"));
    assertThatThrownBy(m::validate)
        .isInstanceOf(MigrationChangedException.class)
        .hasMessageContaining(
            "was renamed after it was applied: recorded description"
                + " 'add sessions', current 'sessions'");
    Files.delete(dir.resolve("V2__sessions.sql"));
    assertThatThrownBy(m::migrate)
        .isInstanceOf(MigrationChangedException.class)
        .hasMessageContaining(
            "migration V2 (V2__add_sessions.sql) was applied but its file is" + " gone");
  }

  @Test
  void newMigrationBelowLatestAppliedIsRefused() throws IOException {
    Path dir = copyApp();
    String db = EmbeddedPg.createDatabase("mig_below");
    Migrations m =
        Migrations.builder(EmbeddedPg.dataSource(db)).locations("filesystem:" + dir).build();
    m.migrate();
    Files.writeString(dir.resolve("V2_5__late.sql"), "CREATE TABLE late (id int);");
    for (Runnable call : List.<Runnable>of(m::validate, m::migrate)) {
      assertThatThrownBy(call::run)
          .isInstanceOf(MigrationChangedException.class)
          .hasMessageContaining(
              "migration V2.5 (V2_5__late.sql) is new but its version is below"
                  + " the latest applied (3), so it would never run; give it a version above 3");
    }
  }

  @Test
  void upThenDownLeavesSchemaExactlyAsBefore() {
    String db = EmbeddedPg.createDatabase("mig_updown");
    DataSource ds = EmbeddedPg.dataSource(db);
    Migrations m = Migrations.builder(ds).locations(APP).build();
    m.toBuilder().target("1").build().migrate();
    String before = Fidelity.schemaDump(db);
    List<String> historyBefore =
        query(
            db,
            "SELECT installed_rank || version || checksum FROM"
                + " flyway_schema_history ORDER BY 1");

    assertThat(m.toBuilder().target("2").build().migrate().versions()).containsExactly("2");
    assertThat(Fidelity.schemaDump(db)).isNotEqualTo(before);
    RollbackResult r = m.rollback();
    assertThat(r.migration().version()).isEqualTo("2");
    assertThat(r.migration().script()).isEqualTo("V2__add_sessions.sql");
    assertThat(r.undoScript()).isEqualTo("U2__add_sessions.sql");
    assertThat(r.versionAfter()).isEqualTo("1");
    Fidelity.assertSameText("pg_dump --schema-only after up+down", before, Fidelity.schemaDump(db));
    assertThat(
            query(
                db,
                "SELECT installed_rank || version || checksum FROM"
                    + " flyway_schema_history ORDER BY 1"))
        .isEqualTo(historyBefore);
    // and up again works: the row is gone, V2 is pending again
    assertThat(m.toBuilder().target("2").build().migrate().versions()).containsExactly("2");
  }

  @Test
  void rollbackRefusesWithoutUndoScriptOrWhenUndoCannotRunInATransaction() {
    String db = EmbeddedPg.createDatabase("mig_refuse");
    DataSource ds = EmbeddedPg.dataSource(db);
    Migrations m = Migrations.builder(ds).locations(APP).build();
    assertThatThrownBy(m::rollback)
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("nothing to roll back");
    m.toBuilder().target("1").build().migrate();
    assertThatThrownBy(m::rollback)
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining(
            "cannot roll back V1 (V1__create_accounts.sql): no undo script"
                + " U1__*.sql in [classpath:migrations/app]; write one next to"
                + " V1__create_accounts.sql");
    m.migrate();
    String dump = Fidelity.schemaDump(db);
    assertThatThrownBy(m::rollback)
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("cannot roll back V3: its undo script")
        .hasMessageContaining(
            "U3__accounts_email_index.sql holds 'DROP INDEX CONCURRENTLY',"
                + " which PostgreSQL cannot run in a transaction");
    assertThat(Fidelity.schemaDump(db)).isEqualTo(dump);
    assertThat(m.currentVersion()).contains("3");
  }

  @Test
  void failingUndoChangesNothing() throws IOException {
    Path dir = copyApp();
    Files.writeString(
        dir.resolve("U2__add_sessions.sql"), "DROP TABLE sessions;\nDROP TABLE no_such_table;\n");
    String db = EmbeddedPg.createDatabase("mig_badundo");
    Migrations m =
        Migrations.builder(EmbeddedPg.dataSource(db))
            .locations("filesystem:" + dir)
            .target("2")
            .build();
    m.migrate();
    String dump = Fidelity.schemaDump(db);
    assertThatThrownBy(m::rollback)
        .isInstanceOf(MigrationException.class)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(
            "undo script " + dir.resolve("U2__add_sessions.sql") + " for V2 failed")
        .hasMessageContaining("no_such_table")
        .hasMessageContaining("nothing changed");
    assertThat(Fidelity.schemaDump(db)).isEqualTo(dump);
    assertThat(m.currentVersion()).contains("2");
  }

  @Test
  void failedMigrationWithoutSnapshotSaysWhatStateTheDatabaseIsIn() {
    String db = EmbeddedPg.createDatabase("mig_fail");
    Migrations m =
        Migrations.builder(EmbeddedPg.dataSource(db))
            .locations("classpath:migrations/failing")
            .build();
    assertThatThrownBy(m::migrate)
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("V4__broken.sql")
        .hasMessageContaining("no_such_table")
        .hasMessageContaining("version was null, now 3");
    assertThat(query(db, "SELECT to_regclass('audit.log') IS NOT NULL")).containsExactly("t");
  }

  @Test
  void badLocationsAreRefusedClearly() {
    DataSource ds = EmbeddedPg.dataSource(EmbeddedPg.createDatabase("mig_loc"));
    assertThatThrownBy(() -> Migrations.builder(ds).locations("/tmp/x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("neither classpath:... nor filesystem:...");
    assertThatThrownBy(
            () ->
                Migrations.builder(ds)
                    .locations("filesystem:" + tmp.resolve("no"))
                    .build()
                    .migrate())
        .isInstanceOf(MigrationException.class)
        .hasMessageContaining("is not a directory");
  }

  @Test
  void toBuilder_keepsEverySetting_andTheVariantLeavesTheOriginalAlone() {
    Migrations base =
        Migrations.builder("jdbc:postgresql://localhost:5432/app?user=u&password=s3cret")
            .locations("filesystem:/etc/app/migrations")
            .schemas("app")
            .table("history")
            .baselineVersion("7")
            .safetySnapshot(tmp)
            .build();
    Migrations variant = base.toBuilder().target("2").build();
    assertThat(base.toString())
        .isEqualTo(
            "Migrations[locations=[filesystem:/etc/app/migrations], schemas=[app], table=history,"
                + " target=latest, baselineVersion=7, safetySnapshot="
                + tmp
                + "]")
        .doesNotContain("s3cret");
    assertThat(variant.toString()).isEqualTo(base.toString().replace("target=latest", "target=2"));
    assertThat(Migrations.of("jdbc:postgresql://localhost:5432/app"))
        .hasToString(
            "Migrations[locations=[classpath:db/migration], schemas=[], table=flyway_schema_history,"
                + " target=latest]");
  }

  @Test
  void undoScriptsAreFoundInJarsOnTheClasspath() throws Exception {
    Path jar = tmp.resolve("migrations.jar");
    try (java.util.jar.JarOutputStream out =
        new java.util.jar.JarOutputStream(Files.newOutputStream(jar))) {
      for (String f :
          List.of("V1__create_accounts.sql", "V2__add_sessions.sql", "U2__add_sessions.sql")) {
        out.putNextEntry(new java.util.jar.JarEntry("db/shipped/" + f));
        try (InputStream in = getClass().getResourceAsStream("/migrations/app/" + f)) {
          out.write(in.readAllBytes());
        }
        out.closeEntry();
      }
    }
    String db = EmbeddedPg.createDatabase("mig_jar");
    try (java.net.URLClassLoader loader =
        new java.net.URLClassLoader(new java.net.URL[] {jar.toUri().toURL()}, null)) {
      Migrations m =
          Migrations.builder(EmbeddedPg.dataSource(db))
              .locations("classpath:db/shipped")
              .classLoader(loader)
              .build();
      assertThat(m.migrate().versions()).containsExactly("1", "2");
      RollbackResult r = m.rollback();
      assertThat(r.undoScript()).isEqualTo("U2__add_sessions.sql");
      assertThat(r.versionAfter()).isEqualTo("1");
      assertThat(query(db, "SELECT to_regclass('sessions') IS NULL")).containsExactly("t");
    }
  }

  // ------------------------------------------------------------------ helpers

  Path copyApp() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("app"));
    for (String f :
        List.of(
            "V1__create_accounts.sql",
            "V2__add_sessions.sql",
            "U2__add_sessions.sql",
            "V3__accounts_email_index.sql",
            "U3__accounts_email_index.sql")) {
      try (InputStream in = getClass().getResourceAsStream("/migrations/app/" + f)) {
        Files.write(dir.resolve(f), in.readAllBytes());
      }
    }
    return dir;
  }

  static List<String> query(String db, String sql) {
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

  static String text(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }
}
