package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupResult;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.internal.ManifestCodec;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocReader;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * With more than one job, the workers copy the tables' data while the leader reads the rest of the
 * catalog: the files are named after the tables, an extension configuration table's data (found
 * later) is copied after the catalog, and a backup that fails meanwhile stops its copies before it
 * returns.
 */
final class EarlyCopyTest {
  @TempDir Path tmp;

  private static final String TABLES =
      """
      CREATE TABLE public.a (id int PRIMARY KEY, v text);
      INSERT INTO public.a SELECT g, 'a' || g FROM generate_series(1, 5000) g;
      CREATE TABLE public.b (id int, w int GENERATED ALWAYS AS (id * 2) STORED);
      INSERT INTO public.b SELECT g FROM generate_series(1, 300) g;
      CREATE TABLE public.empty (id int);
      """;

  /** What an extension declares with pg_extension_config_dump (see ExtensionConfigTest). */
  private static final String CONFIG =
      """
      CREATE EXTENSION citext;
      CREATE TABLE public.cfg (id int PRIMARY KEY, name text, standard boolean NOT NULL);
      INSERT INTO public.cfg VALUES (1, 'shipped', true), (2, 'user', false);
      ALTER EXTENSION citext ADD TABLE public.cfg;
      UPDATE pg_catalog.pg_extension SET extconfig = ARRAY['public.cfg'::regclass]::oid[],
        extcondition = ARRAY['WHERE NOT standard'] WHERE extname = 'citext';
      """;

  @Test
  void tablesCopiedEarly_areNamedAfterTheTable_andRestore() throws Exception {
    String db = EmbeddedPg.createDatabase("early");
    exec(db, TABLES);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult result = backup(db, sink);

    Path dir = sink.root().resolve("sets").resolve(result.setId()).resolve("postgres/main");
    Map<String, String> files = dataFiles(dir);
    Map<String, Long> oids = oids(db);
    assertThat(files)
        .containsOnlyKeys("a", "b", "empty")
        .containsEntry("a", "table_" + oids.get("a") + ".dat")
        .containsEntry("b", "table_" + oids.get("b") + ".dat")
        .containsEntry("empty", "table_" + oids.get("empty") + ".dat");
    assertRestoresTheSame(sink, db);
  }

  /**
   * With a default fetch size the catalog prefetch's results would be cursors on the first worker,
   * read by the leader while that worker copies tables: they are read whole instead.
   */
  @Test
  void withADefaultFetchSize_theBackupRestoresTheSame() throws Exception {
    String db = EmbeddedPg.createDatabase("earlyfetch");
    exec(db, TABLES + "COMMENT ON TABLE public.a IS 'commented'; CREATE INDEX ON public.b (w);");
    PGSimpleDataSource fetching = new PGSimpleDataSource();
    fetching.setUrl(EmbeddedPg.jdbcUrl(db) + "&defaultRowFetchSize=2");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(fetching).jobs(2).build())
        .sink(sink)
        .build()
        .run();
    assertRestoresTheSame(sink, db);
  }

  /** Restores the sink's latest set into a new database and compares it with {@code db}. */
  private static void assertRestoresTheSame(FileSystemSink sink, String db) throws Exception {
    String target = EmbeddedPg.createDatabase(db + "dst");
    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build())
        .build()
        .execute();
    Fidelity.assertSameDatabase(db, target);
  }

  @Test
  void extensionConfigurationData_isCopiedAfterTheCatalog_underItsDumpId() throws Exception {
    String db = EmbeddedPg.createDatabase("earlycfg");
    exec(db, TABLES + CONFIG);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult result = backup(db, sink);

    Path dir = sink.root().resolve("sets").resolve(result.setId()).resolve("postgres/main");
    List<TocEntry> entries = TocReader.read(dir.resolve("toc.dat")).entries();
    TocEntry cfg =
        entries.stream()
            .filter(e -> e.desc().equals("TABLE DATA") && e.tag().equals("cfg"))
            .findFirst()
            .orElseThrow();
    assertThat(cfg.dataFile()).isEqualTo(cfg.dumpId() + ".dat");
    assertThat(dataFiles(dir)).containsEntry("a", "table_" + oids(db).get("a") + ".dat");
    // every entry's file is in the set, and the configuration table's holds its filtered rows
    for (TocEntry e : entries) {
      if (e.desc().equals("TABLE DATA")) {
        assertThat(dir.resolve(e.dataFile() + ".zst")).as(e.tag()).isRegularFile();
      }
    }
    Map<String, String> metadata =
        ManifestCodec.read(
                result.setId(), Files.readAllBytes(dir.resolve("../../manifest.json").normalize()))
            .targets()
            .get(0)
            .metadata();
    assertThat(metadata)
        .containsEntry("rows.public.cfg", "1")
        .containsEntry("rows.public.a", "5000")
        .containsKeys("content.public.cfg", "content.public.a", "content.public.b");
  }

  /**
   * A backup that fails after the copies have started (here: a subscription its role cannot read,
   * found after the catalog) stops them before it fails: no copy thread is left, and nothing is
   * written to the sink afterwards.
   */
  @Test
  void aFailureWhileTheTablesAreCopied_stopsTheCopiesBeforeItReturns() throws Exception {
    Assumptions.assumeTrue(
        EmbeddedPg.majorVersion() >= 14,
        "pg_read_all_data (the reading role) exists from PostgreSQL 14 on");
    String db = EmbeddedPg.createDatabase("earlyfail");
    StringBuilder sql =
        new StringBuilder(
            "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ec_reader')"
                + " THEN CREATE ROLE ec_reader LOGIN; END IF; END $$;"
                + " GRANT pg_read_all_data TO ec_reader;");
    for (int i = 0; i < 40; i++) {
      sql.append(" CREATE TABLE public.t")
          .append(i)
          .append(" AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 20000) g;");
    }
    sql.append(
        " CREATE SUBSCRIPTION ec_sub CONNECTION 'dbname=nowhere' PUBLICATION p"
            + " WITH (connect = false)");
    exec(db, sql.toString());
    PGSimpleDataSource asReader = new PGSimpleDataSource();
    asReader.setUrl(EmbeddedPg.jdbcUrl(db));
    asReader.setUser("ec_reader");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup =
        Backup.builder()
            .target(PostgresTarget.builder(asReader).jobs(2).build())
            .sink(sink)
            .build();
    try {
      assertThatThrownBy(backup::run)
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("ec_sub")
          .hasMessageContaining("nothing was published");

      assertThat(Thread.getAllStackTraces().keySet())
          .extracting(Thread::getName)
          .noneMatch(n -> n.startsWith("avnology-copy"));
      List<Path> after = files(tmp.resolve("sink"));
      Thread.sleep(300);
      assertThat(files(tmp.resolve("sink"))).isEqualTo(after);
      assertThat(after).noneMatch(p -> p.getFileName().toString().contains(".dat"));
      assertThat(sink.list()).isEmpty();
    } finally {
      exec(db, "ALTER SUBSCRIPTION ec_sub SET (slot_name = NONE); DROP SUBSCRIPTION ec_sub");
    }
  }

  private static BackupResult backup(String db, FileSystemSink sink) {
    return Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(db)).jobs(2).build())
        .sink(sink)
        .build()
        .run();
  }

  /** {@return the TABLE DATA entries' files by table} */
  private static Map<String, String> dataFiles(Path dir) throws Exception {
    Map<String, String> files = new HashMap<>();
    for (TocEntry e : TocReader.read(dir.resolve("toc.dat")).entries()) {
      if (e.desc().equals("TABLE DATA")) {
        files.put(e.tag(), e.dataFile());
      }
    }
    return files;
  }

  private static Map<String, Long> oids(String db) throws Exception {
    Map<String, Long> oids = new HashMap<>();
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT relname, oid FROM pg_class WHERE relnamespace = 'public'::regnamespace")) {
      while (rs.next()) {
        oids.put(rs.getString(1), rs.getLong(2));
      }
    }
    return oids;
  }

  private static List<Path> files(Path root) throws Exception {
    if (!Files.exists(root)) {
      return List.of();
    }
    try (Stream<Path> all = Files.walk(root)) {
      return all.filter(Files::isRegularFile).sorted().toList();
    }
  }

  private static void exec(String db, String sql) throws Exception {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
