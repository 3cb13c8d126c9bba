package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Objects and rows a backup → restore round trip once lost without saying so (issue 12). */
final class DataLossTest {
  @TempDir Path tmp;

  @Test
  void backupRestore_generatedColumnUnderPlainParent_keepsExpressionAndRows() throws Exception {
    String source = EmbeddedPg.createDatabase("gen");
    // the child's own expression: under a plain parent column up to PostgreSQL 15, under a
    // different parent expression from 16 on (16 refuses the former, 15 the latter)
    String parentB =
        EmbeddedPg.majorVersion() <= 15 ? "b int" : "b int GENERATED ALWAYS AS (a) STORED";
    PostgresRoundTripTest.exec(
        source,
        "CREATE TABLE p (a int, "
            + parentB
            + ");"
            + " CREATE TABLE c (b int GENERATED ALWAYS AS (a * 2) STORED) INHERITS (p);"
            + " CREATE TABLE gp (a int, b int GENERATED ALWAYS AS (a * 3) STORED);"
            + " CREATE TABLE gc (b int) INHERITS (gp);"
            + " CREATE TABLE pt (a int, b int GENERATED ALWAYS AS (a * 5) STORED) PARTITION BY RANGE (a);"
            + " CREATE TABLE pt1 PARTITION OF pt FOR VALUES FROM (0) TO (10);"
            + " INSERT INTO c (a) VALUES (2); INSERT INTO gc (a) VALUES (3); INSERT INTO pt (a) VALUES (4)");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
        .sink(sink)
        .build()
        .run();
    String target = EmbeddedPg.createDatabase("gendst");

    PostgresRoundTripTest.restore(sink, target, false);

    assertThat(rows(target, "SELECT a, b FROM c")).containsExactly("2,4");
    assertThat(rows(target, "SELECT a, b FROM gc")).containsExactly("3,9");
    assertThat(rows(target, "SELECT a, b FROM pt1")).containsExactly("4,20");
    assertThat(
            rows(
                target,
                "SELECT c.relname || ':' || a.attgenerated::text || ':'"
                    + " || pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a"
                    + " JOIN pg_class c ON c.oid = a.attrelid JOIN pg_attrdef d ON d.adrelid = a.attrelid"
                    + " AND d.adnum = a.attnum WHERE a.attname = 'b' AND c.relname IN ('c', 'gc', 'pt1')"
                    + " ORDER BY 1"))
        .containsExactly("c:s:(a * 2)", "gc:s:(a * 3)", "pt1:s:(a * 5)");
    Fidelity.assertSameDatabase(source, target);
  }

  @Test
  void backupRestore_baseAndShellTypes_roundTripWithRowsAndPgRestoreReadsThem() throws Exception {
    String source = EmbeddedPg.createDatabase("base");
    Fidelity.applySql(Fidelity.resource("/catalog/base-types.sql"), source);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult result =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .compression(Compression.gzip(6))
            .build()
            .run();
    String target = EmbeddedPg.createDatabase("basedst");
    String viaPgRestore = EmbeddedPg.createDatabase("basepgr");

    PostgresRoundTripTest.restore(sink, target, false);
    Fidelity.runTool(
        "pg_restore",
        "--exit-on-error",
        "-d",
        viaPgRestore,
        PostgresRoundTripTest.setDir(sink, result).resolve("postgres/main").toString());

    for (String db : List.of(target, viaPgRestore)) {
      assertThat(
              rows(
                  db,
                  "SELECT id, a::text, b::text, c::text, d::text FROM bt.uses_base ORDER BY id"))
          .containsExactly(
              "1,7,hello,{1,2,3},4294967298", "2,42,zip'po,null,null", "3,42,zip'po,null,null");
      assertThat(
              rows(
                  db,
                  "SELECT t.typname || ':' || t.typtype::text || ':' || t.typisdefined"
                      + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'bt'"
                      + " AND t.typtype IN ('b', 'p') AND t.typname !~ '^_' ORDER BY 1"))
          .containsExactly(
              "Text W Default:b:true", "int42:b:true", "int4pair:b:true", "myshell:p:false");
      Fidelity.assertSameDatabase(source, db);
    }
  }

  @Test
  void backupRestore_largeObjects_keepContentOwnerCommentAndGrants() throws Exception {
    String source = EmbeddedPg.createDatabase("lo");
    PostgresRoundTripTest.exec(
        source,
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles"
            + " WHERE rolname = 'lo_reader') THEN CREATE ROLE lo_reader; END IF; END $$;"
            + " CREATE TABLE t (id int, doc oid); INSERT INTO t VALUES (1, 20001);"
            + " SELECT lo_from_bytea(20001, 'first'::bytea);"
            // larger than a chunk, and not a multiple of it
            + " SELECT lo_from_bytea(20002, decode(repeat('00ff7f', 70000), 'hex'));"
            + " SELECT lo_create(20003);"
            + " COMMENT ON LARGE OBJECT 20001 IS 'the first one';"
            + " GRANT SELECT ON LARGE OBJECT 20002 TO lo_reader;"
            + " ALTER LARGE OBJECT 20003 OWNER TO lo_reader");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult result =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .compression(Compression.gzip(6))
            .build()
            .run();
    String target = EmbeddedPg.createDatabase("lodst");
    String viaPgRestore = EmbeddedPg.createDatabase("lopgr");

    PostgresRoundTripTest.restore(sink, target, false);
    Fidelity.runTool(
        "pg_restore",
        "--exit-on-error",
        "-d",
        viaPgRestore,
        PostgresRoundTripTest.setDir(sink, result).resolve("postgres/main").toString());

    String objects =
        "SELECT m.oid, pg_catalog.md5(pg_catalog.lo_get(m.oid)),"
            + " pg_catalog.length(pg_catalog.lo_get(m.oid)), pg_catalog.pg_get_userbyid(m.lomowner),"
            + " m.lomacl, pg_catalog.obj_description(m.oid, 'pg_largeobject')"
            + " FROM pg_catalog.pg_largeobject_metadata m ORDER BY m.oid";
    List<String> expected = rows(source, objects);
    assertThat(expected).hasSize(3);
    assertThat(rows(target, objects)).isEqualTo(expected);
    assertThat(rows(viaPgRestore, objects)).isEqualTo(expected);
    assertThat(BackupCatalog.of(sink).list().get(0).targets().get(0).metadata())
        .containsEntry("largeObjects", "3");
    PostgresRoundTripTest.restore(sink, target, true);
    assertThat(rows(target, objects)).isEqualTo(expected);
  }

  @Test
  void export_largeObjects_pgRestoreAndOurReaderRestoreThem() throws Exception {
    String source = EmbeddedPg.createDatabase("loexp");
    PostgresRoundTripTest.exec(
        source,
        "CREATE TABLE t (id int);"
            + " SELECT lo_from_bytea(21001, decode(repeat('00ff7f', 50000), 'hex'));"
            + " SELECT lo_from_bytea(21002, 'second'::bytea); SELECT lo_create(21003);"
            + " COMMENT ON LARGE OBJECT 21002 IS 'second one'");
    Path dump = tmp.resolve("lo.dump");

    PgDumpArchive archive =
        PgDumpArchive.export(
            PostgresTarget.builder(EmbeddedPg.dataSource(source)).build(),
            dump,
            Compression.gzip(6));
    String viaPgRestore = EmbeddedPg.createDatabase("loexppgr");
    Fidelity.runTool(
        "pg_restore", "--exit-on-error", "-j", "2", "-d", viaPgRestore, dump.toString());

    String objects =
        "SELECT m.oid, pg_catalog.md5(pg_catalog.lo_get(m.oid)),"
            + " pg_catalog.obj_description(m.oid, 'pg_largeobject')"
            + " FROM pg_catalog.pg_largeobject_metadata m ORDER BY m.oid";
    assertThat(rows(viaPgRestore, objects)).hasSize(3).isEqualTo(rows(source, objects));
    String viaUs = EmbeddedPg.createDatabase("loexpours");
    archive.restore(PostgresTarget.builder(EmbeddedPg.dataSource(viaUs)).build());
    assertThat(rows(viaUs, objects)).isEqualTo(rows(source, objects));
  }

  @Test
  void backup_largeObjectsWithNoLargeObjects_leavesThemOutAndSaysSo() throws Exception {
    String db = EmbeddedPg.createDatabase("lo");
    PostgresRoundTripTest.exec(
        db,
        "CREATE TABLE t (id int); INSERT INTO t VALUES (1);"
            + " SELECT lo_from_bytea(0, 'only'::bytea)");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(db)).noLargeObjects().build())
        .sink(sink)
        .build()
        .run();

    assertThat(BackupCatalog.of(sink).list().get(0).targets().get(0).metadata())
        .containsEntry("largeObjectsLeftOut", "1");
    String target = EmbeddedPg.createDatabase("lodst");
    PostgresRoundTripTest.restore(sink, target, false);
    assertThat(rows(target, "SELECT id FROM t")).containsExactly("1");
    assertThat(rows(target, "SELECT count(*) FROM pg_largeobject_metadata")).containsExactly("0");
  }

  static List<String> rows(String database, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = EmbeddedPg.dataSource(database).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> cells = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
          cells.add(rs.getString(i));
        }
        out.add(String.join(",", cells));
      }
    }
    return out;
  }
}
