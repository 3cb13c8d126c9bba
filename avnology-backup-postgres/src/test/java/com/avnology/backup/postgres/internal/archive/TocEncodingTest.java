package com.avnology.backup.postgres.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.testing.EmbeddedPg;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Archive strings are in the dump's encoding: a LATIN1 database's archive. */
final class TocEncodingTest {
  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    PgDumpFixture.assumeTools();
  }

  @Test
  void latin1ArchiveDecodesAndRewritesExactly() throws Exception {
    String db = "toclatin1_" + ProcessHandle.current().pid();
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE DATABASE "
              + db
              + " TEMPLATE template0 ENCODING 'LATIN1'"
              + " LC_COLLATE 'C' LC_CTYPE 'C'");
    }
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE \"café\" (x text); COMMENT ON TABLE \"café\" IS 'Zoë ½';"
              + " INSERT INTO \"café\" VALUES ('naïve');");
    }
    Path dir = tmp.resolve("latin1");
    PgDumpFixture.run(
        List.of(
            PgDumpFixture.PG_DUMP.toString(),
            "-h",
            "localhost",
            "-p",
            Integer.toString(EmbeddedPg.port()),
            "-U",
            "postgres",
            "-Fd",
            "-Z0",
            "-f",
            dir.toString(),
            db));
    byte[] original = Files.readAllBytes(dir.resolve("toc.dat"));
    assertThat(new String(original, StandardCharsets.ISO_8859_1)).contains("Zoë ½");

    TocFile toc = TocReader.read(dir);
    assertThat(PgEncodings.encodingName(toc.entries())).contains("LATIN1");
    assertThat(TocReaderTest.find(toc, "COMMENT", "TABLE \"café\"").defn())
        .isEqualTo("COMMENT ON TABLE public.\"café\" IS 'Zoë ½';\n");
    assertThat(TocReaderTest.find(toc, "TABLE DATA", "café").copyStmt())
        .isEqualTo("COPY public.\"café\" (x) FROM stdin;\n");

    ByteArrayOutputStream rewritten = new ByteArrayOutputStream();
    TocWriter.write(toc, rewritten);
    assertThat(rewritten.toByteArray()).isEqualTo(original);
  }
}
