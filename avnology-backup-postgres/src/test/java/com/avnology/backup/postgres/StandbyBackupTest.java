package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupException;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backups read from a hot standby, which has no rows of unlogged tables (their rows live on the
 * primary only; reading them fails there): such a backup fails, naming the tables, unless the
 * caller leaves their rows out; rows left out on purpose ({@code excludeTableData}) restore as
 * empty tables, and the set says which.
 */
final class StandbyBackupTest {
  @TempDir static Path dir;
  private static EmbeddedPostgres standby;

  @BeforeAll
  static void standby() throws Exception {
    Path data = dir.resolve("data");
    // not cleaned: zonky would delete the data directory when the primary stops
    try (EmbeddedPostgres primary = server(data, false)) {
      exec(
          primary.getPostgresDatabase(),
          """
          CREATE TABLE public.accounts (id int PRIMARY KEY, name text NOT NULL);
          INSERT INTO public.accounts SELECT g, 'a' || g FROM generate_series(1, 100) g;
          CREATE UNLOGGED TABLE public.cache (k text PRIMARY KEY, v text);
          INSERT INTO public.cache VALUES ('a', '1'), ('b', '2');
          CREATE SCHEMA work;
          CREATE UNLOGGED TABLE work.queue (id serial, job text);
          INSERT INTO work.queue (job) VALUES ('a'), ('b');
          CREATE TABLE public.audit (id int, what text);
          INSERT INTO public.audit SELECT g, 'x' FROM generate_series(1, 50) g;
          CREATE INDEX audit_what ON public.audit (what);
          """);
    } // a clean shutdown: the standby is consistent at once, with no primary to follow
    Files.createFile(data.resolve("standby.signal"));
    standby = server(data, false);
    assertThat(query(standby.getPostgresDatabase(), "SELECT pg_is_in_recovery()::text"))
        .isEqualTo("true");
  }

  @AfterAll
  static void stop() throws Exception {
    if (standby != null) {
      standby.close();
    }
  }

  @Test
  void unloggedTables_failTheBackup_namingThem_andNothingIsPublished() {
    FileSystemSink sink = FileSystemSink.of(dir.resolve("refused"));
    Backup backup =
        Backup.builder()
            .target(PostgresTarget.builder(standby.getPostgresDatabase()).build())
            .sink(sink)
            .build();

    assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("hot standby")
        .hasMessageContaining("public.cache, work.queue, work.queue_id_seq")
        .hasMessageContaining("noUnloggedTableData()")
        .hasMessageContaining("nothing was published");
    assertThat(sink.list()).isEmpty();

    // a table whose rows are left out by name is not held against the caller
    Backup named =
        Backup.builder()
            .target(
                PostgresTarget.builder(standby.getPostgresDatabase())
                    .excludeTableData("public.cache")
                    .build())
            .sink(sink)
            .build();
    assertThatThrownBy(named::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("): work.queue, work.queue_id_seq;");
    assertThat(sink.list()).isEmpty();
  }

  @Test
  void withTheirRowsLeftOut_theBackupRestores_withThoseTablesEmpty() throws Exception {
    FileSystemSink sink = FileSystemSink.of(dir.resolve("left-out"));
    Manifest.Target target =
        backUp(
            sink,
            PostgresTarget.builder(standby.getPostgresDatabase())
                .jobs(2)
                .noUnloggedTableData()
                .excludeTableData("public.audit"));
    assertThat(Arrays.asList(target.metadata().get("tableDataLeftOut").split(",")))
        .containsExactlyInAnyOrder(
            "public.cache", "work.queue", "work.queue_id_seq", "public.audit");
    assertThat(target.metadata()).containsEntry("rows.public.accounts", "100");

    DataSource restored = restore(sink, "from_standby");
    assertThat(query(restored, "SELECT count(*) FROM public.accounts")).isEqualTo("100");
    for (String empty : List.of("public.cache", "work.queue", "public.audit")) {
      assertThat(query(restored, "SELECT count(*) FROM " + empty)).as(empty).isEqualTo("0");
    }
    // the value of the unlogged table's sequence is left out with its rows: it starts again
    assertThat(query(restored, "SELECT nextval('work.queue_id_seq')")).isEqualTo("1");
    // the definitions are all there: persistence, keys, indexes
    assertThat(
            query(
                restored,
                "SELECT string_agg(relname || ':' || relpersistence::text, ',' ORDER BY relname)"
                    + " FROM pg_class WHERE relname IN ('cache', 'queue', 'audit',"
                    + " 'cache_pkey', 'audit_what')"))
        .isEqualTo("audit:p,audit_what:p,cache:u,cache_pkey:u,queue:u");
  }

  @Test
  void aPrimary_keepsUnloggedRows_andLeavesOutOnlyWhatIsAsked() throws Exception {
    String db = EmbeddedPg.createDatabase("primary_rows");
    exec(
        EmbeddedPg.dataSource(db),
        """
        CREATE UNLOGGED TABLE public.cache (k text PRIMARY KEY);
        INSERT INTO public.cache VALUES ('a'), ('b');
        CREATE TABLE public.audit (id int);
        INSERT INTO public.audit VALUES (1);
        CREATE MATERIALIZED VIEW public.audit_count AS SELECT count(*) AS n FROM public.audit;
        """);
    FileSystemSink sink = FileSystemSink.of(dir.resolve("primary"));
    Manifest.Target target =
        backUp(
            sink,
            PostgresTarget.builder(EmbeddedPg.dataSource(db))
                .excludeTableData("public.audit", "public.audit_count"));
    assertThat(target.metadata())
        .containsEntry("tableDataLeftOut", "public.audit,public.audit_count")
        .containsEntry("rows.public.cache", "2")
        .doesNotContainKey("rows.public.audit");
    assertThat(
            query(
                restore(sink, "primary_rows_back"),
                "SELECT (SELECT count(*) FROM public.cache) || ',' || (SELECT count(*) FROM"
                    + " public.audit) || ',' || (SELECT relispopulated FROM pg_class WHERE relname"
                    + " = 'audit_count')"))
        .isEqualTo("2,0,false");

    // a name that matches nothing would back up the very rows meant to stay out: refused
    FileSystemSink typo = FileSystemSink.of(dir.resolve("typo"));
    Backup misnamed =
        Backup.builder()
            .target(
                PostgresTarget.builder(EmbeddedPg.dataSource(db))
                    .excludeTableData("public.Audit", "audit")
                    .build())
            .sink(typo)
            .build();
    assertThatThrownBy(misnamed::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("names public.Audit, audit, which database")
        .hasMessageContaining("nothing was published");
    assertThat(typo.list()).isEmpty();
  }

  /** {@return the target of the set it published} */
  private static Manifest.Target backUp(FileSystemSink sink, PostgresTarget.Builder target) {
    Backup.builder().target(target.build()).sink(sink).build().run();
    return BackupCatalog.of(sink).list().get(0).target("postgres", "main").orElseThrow();
  }

  /** {@return a new database with the latest set of the sink restored into it} */
  private static DataSource restore(FileSystemSink sink, String prefix) {
    DataSource ds = EmbeddedPg.dataSource(EmbeddedPg.createDatabase(prefix));
    RestorePlan.builder(sink).latest().target(PostgresTarget.builder(ds).build()).build().execute();
    return ds;
  }

  private static EmbeddedPostgres server(Path data, boolean clean) throws Exception {
    Path sockets = Files.createDirectories(dir.resolve("sockets"));
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(clean)
        .setServerConfig("unix_socket_directories", sockets.toString())
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }

  private static void exec(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String query(DataSource ds, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return String.join("\n", out);
  }
}
