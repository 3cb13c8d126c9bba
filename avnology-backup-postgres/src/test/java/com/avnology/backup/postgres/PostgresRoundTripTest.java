package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.internal.archive.ArchiveVersion;
import com.avnology.backup.postgres.internal.archive.TocReader;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

final class PostgresRoundTripTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"gzip:6", "zstd:3", "none"})
  void backupRestore_allKindsFixture_sameSchemaAndData(String compression) throws Exception {
    String source = Fidelity.createAllKindsDatabase("src");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    BackupResult result =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).jobs(2).build())
            .sink(sink)
            .compression(Compression.parse(compression))
            .build()
            .run();
    String target = EmbeddedPg.createDatabase("dst");
    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).jobs(2).build())
        .build()
        .execute();

    Fidelity.assertSameDatabase(source, target);
    Path toc = setDir(sink, result).resolve("postgres/main/toc.dat");
    ArchiveVersion expected =
        compression.startsWith("zstd") ? ArchiveVersion.V1_15 : ArchiveVersion.V1_14;
    var tocFile = TocReader.read(toc);
    assertThat(tocFile.header().version()).isEqualTo(expected);
    // every TABLE DATA entry's file is an artifact of the set, compressed as asked
    List<String> dataFiles =
        tocFile.entries().stream()
            .filter(e -> e.desc().equals("TABLE DATA"))
            .map(e -> "postgres/main/" + e.dataFile() + Compression.parse(compression).suffix())
            .toList();
    assertThat(dataFiles).isNotEmpty();
    assertThat(result.targets().get(0).artifacts().stream().map(a -> a.path()).toList())
        .containsAll(dataFiles);
  }

  @Test
  void pgRestore_readsOurArchive_sameSchemaAndData() throws Exception {
    String source = Fidelity.createAllKindsDatabase("src");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult result =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .compression(Compression.gzip(6))
            .build()
            .run();
    String target = EmbeddedPg.createDatabase("pgr");

    Fidelity.runTool(
        "pg_restore",
        "--exit-on-error",
        "-j",
        "2",
        "-d",
        target,
        setDir(sink, result).resolve("postgres/main").toString());

    Fidelity.assertSameDatabase(source, target);
  }

  @Test
  void backupByARoleThatIsNotASuperuser_roundTrips() throws Exception {
    // as on managed PostgreSQL, where the database's owner is no superuser: the catalog queries
    // must not touch what only a superuser may read (a subscription's connection string)
    String source = EmbeddedPg.createDatabase("nosuper");
    try (Connection c = EmbeddedPg.dataSource(source).getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_owner')"
              + " THEN CREATE ROLE app_owner LOGIN; END IF; END $$");
      s.execute("GRANT CREATE ON SCHEMA public TO app_owner");
      s.execute("SET ROLE app_owner");
      s.execute("CREATE TYPE mood AS ENUM ('ok', 'sad')");
      s.execute("CREATE TABLE people (id int PRIMARY KEY, name text NOT NULL, m mood)");
      s.execute("INSERT INTO people SELECT i, 'p' || i, 'ok' FROM generate_series(1, 500) i");
      s.execute("CREATE VIEW names AS SELECT name FROM people");
    }
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(
            PostgresTarget.builder(
                    EmbeddedPg.jdbcUrl(source).replace("user=postgres", "user=app_owner"))
                .jobs(2)
                .build())
        .sink(sink)
        .build()
        .run();

    String target = EmbeddedPg.createDatabase("nosuperdst");
    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build())
        .build()
        .execute();
    Fidelity.assertSameDatabase(source, target);
  }

  @Test
  void restore_intoNonEmptyDatabase_refusesWithoutClean() throws Exception {
    String source = Fidelity.createAllKindsDatabase("src");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
        .sink(sink)
        .build()
        .run();
    String other = EmbeddedPg.createDatabase("other");
    exec(other, "CREATE TABLE public.keep_me (id int)");
    assertThatThrownBy(() -> restore(sink, other, false))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("is not empty (it holds relation public.keep_me")
        .hasMessageContaining("choose clean()");

    String target = EmbeddedPg.createDatabase("dst");
    restore(sink, target, false);
    assertThatThrownBy(() -> restore(sink, target, false))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("is not empty");
    restore(sink, target, true);

    Fidelity.assertSameDatabase(source, target);
  }

  static void restore(FileSystemSink sink, String database, boolean clean) {
    PostgresTarget.Builder t = PostgresTarget.builder(EmbeddedPg.dataSource(database));
    if (clean) {
      t.clean();
    }
    RestorePlan.builder(sink).latest().target(t.build()).build().execute();
  }

  /**
   * A failing entry is named and everything is undone: in post-data, and in pre-data, which goes to
   * the server many entries per round trip (the batch holding it is replayed one entry at a time).
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"CREATE INDEX, INDEX, indexes", "CREATE VIEW, VIEW, views"})
  void restore_failingEntry_undoesEverythingAndNamesTheEntry(String tag, String desc, String what)
      throws Exception {
    String source = Fidelity.createAllKindsDatabase("src");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
        .sink(sink)
        .build()
        .run();
    String target = EmbeddedPg.createDatabase("dst");
    exec(
        target,
        "CREATE SCHEMA guard; CREATE FUNCTION guard.forbid() RETURNS event_trigger"
            + " LANGUAGE plpgsql AS $$BEGIN RAISE EXCEPTION '"
            + what
            + " are forbidden here'; END$$;"
            + " CREATE EVENT TRIGGER forbid ON ddl_command_start WHEN TAG IN ('"
            + tag
            + "') EXECUTE FUNCTION guard.forbid()");

    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).clean().build())
                    .build()
                    .execute())
        .isInstanceOf(BackupException.class)
        .hasMessageMatching("(?s).*archive entry \\d+ \\(" + desc + " \\S+ \\S+\\) failed: .*")
        .hasMessageContaining(what + " are forbidden here")
        .hasMessageContaining("the database is as it was");
    assertThat(
            count(
                target,
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog','information_schema')"
                    + " AND n.nspname !~ '^pg_toast'"))
        .isZero();
  }

  static Path setDir(FileSystemSink sink, BackupResult result) {
    return sink.root().resolve("sets").resolve(result.setId());
  }

  static void exec(String database, String sql) throws Exception {
    try (Connection c = EmbeddedPg.dataSource(database).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  static long count(String database, String sql) throws Exception {
    try (Connection c = EmbeddedPg.dataSource(database).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static boolean exists(Path p) {
    return Files.exists(p);
  }
}
