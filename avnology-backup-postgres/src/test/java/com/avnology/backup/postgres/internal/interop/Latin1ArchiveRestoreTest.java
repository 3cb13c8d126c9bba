package com.avnology.backup.postgres.internal.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.avnology.backup.postgres.internal.engine.ArchiveRestore;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import com.avnology.backup.postgres.internal.engine.DirectoryArchiveSource;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A LATIN1 database's archives: strings and COPY data are LATIN1 bytes; our restore re-encodes the
 * data as UTF-8 for JDBC and the server converts it back.
 */
final class Latin1ArchiveRestoreTest {
  private static String source;
  @TempDir Path tmp;

  @BeforeAll
  static void fixture() {
    Dumps.assumeTools();
    source = latin1Database("l1src");
    Fidelity.applySql(
        "CREATE TABLE \"café\" (id int PRIMARY KEY, x text, y varchar(20));"
            + " COMMENT ON TABLE \"café\" IS 'Zoë ½ ¿';"
            + " INSERT INTO \"café\" SELECT g, 'naïve façade ÿ © ' || g, 'Straße' FROM"
            + " generate_series(1, 2000) g;"
            + " CREATE VIEW \"vüe\" AS SELECT x AS \"spalte ä\" FROM \"café\" WHERE y = 'Straße';",
        source);
  }

  @BeforeEach
  void tools() {
    Dumps.assumeTools();
  }

  @Test
  void restore_latin1CustomArchive_sameSchemaAndData() {
    Path file = Dumps.pgDump(tmp.resolve("l1.dump"), source, "-Fc");

    restoreAndCompare(new CustomArchiveSource(file));
  }

  @Test
  void restore_latin1TarArchive_sameSchemaAndData() {
    Path file = Dumps.pgDump(tmp.resolve("l1.tar"), source, "-Ft");

    restoreAndCompare(new TarArchiveSource(file));
  }

  @Test
  void pgRestore_convertedLatin1Archive_sameSchemaAndData() throws IOException {
    Path tar = Dumps.pgDump(tmp.resolve("l1.tar"), source, "-Ft");
    Path file = tmp.resolve("l1.dump");
    CustomArchiveWriter.convert(new TarArchiveSource(tar), file, CompressionAlgorithm.GZIP);
    String target = latin1Database("l1dst");

    Fidelity.runTool("pg_restore", "--exit-on-error", "-d", target, file.toString());

    Fidelity.assertSameDatabase(source, target);
  }

  /**
   * pg_dump's large objects: blobs.toc and blob_<oid>.dat(.gz) files (directory, tar), a BLK_BLOBS
   * block (custom, compressed or not); the bytes are never transcoded.
   */
  @ParameterizedTest
  @ValueSource(strings = {"-Fd", "-Ft", "-Fc", "-Fc -Z0", "pipe"})
  void restoreAndConvert_latin1ArchiveWithLargeObjects_bytesUnchanged(String format)
      throws IOException {
    String db = latin1Database("l1lo");
    Fidelity.applySql(
        "CREATE TABLE t (id int); COMMENT ON TABLE t IS 'Zoë';"
            + " SELECT lo_from_bytea(40001, decode(repeat('80c3a9ff00', 30000), 'hex'));"
            + " SELECT lo_from_bytea(40002, 'Zoë'::bytea); SELECT lo_create(40003);"
            + " SELECT lo_from_bytea(3000000000, 'an oid above 2^31'::bytea)",
        db);
    Path file =
        format.equals("pipe")
            ? Dumps.pgDumpThroughPipe(tmp.resolve("l1lo"), db)
            : Dumps.pgDump(tmp.resolve("l1lo"), db, format.split(" "));
    ArchiveSource archive =
        switch (format) {
          case "-Fd" -> new DirectoryArchiveSource(file);
          case "-Ft" -> new TarArchiveSource(file);
          default -> new CustomArchiveSource(file);
        };
    String target = latin1Database("l1lodst");

    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(archive);

    String objects =
        "SELECT oid || ' ' || md5(lo_get(oid)) FROM pg_largeobject_metadata" + " ORDER BY oid";
    assertThat(rows(target, objects)).hasSize(4).isEqualTo(rows(db, objects));
    Path converted = tmp.resolve("l1lo-converted.dump");
    CustomArchiveWriter.convert(archive, converted, CompressionAlgorithm.GZIP);
    String viaPgRestore = latin1Database("l1lopgr");
    Fidelity.runTool("pg_restore", "--exit-on-error", "-d", viaPgRestore, converted.toString());
    assertThat(rows(viaPgRestore, objects)).isEqualTo(rows(db, objects));
  }

  private static void restoreAndCompare(ArchiveSource archive) {
    String target = latin1Database("l1dst");
    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(archive);
    Fidelity.assertSameDatabase(source, target);
    assertThat(rows(target, "SELECT x || '|' || y FROM \"café\" WHERE id = 7"))
        .containsExactly("naïve façade ÿ © 7|Straße");
    assertThat(rows(target, "SELECT obj_description('\"café\"'::regclass, 'pg_class')"))
        .containsExactly("Zoë ½ ¿");
  }

  private static String latin1Database(String prefix) {
    String db = prefix + "_" + ProcessHandle.current().pid() + "_" + System.nanoTime();
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE DATABASE "
              + db
              + " TEMPLATE template0 ENCODING 'LATIN1'"
              + " LC_COLLATE 'C' LC_CTYPE 'C'");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return db;
  }

  private static List<String> rows(String db, String sql) {
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
