package com.avnology.backup.postgres.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.testing.EmbeddedPg;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class TocRoundTripTest {
  private static final List<String> QUERIES =
      List.of(
          "SELECT id, name, note FROM app.customer ORDER BY id",
          "SELECT id, customer_id, amount, placed FROM app.orders ORDER BY id",
          "SELECT last_value, is_called FROM app.invoice_seq",
          "SELECT last_value FROM app.orders_id_seq",
          "SELECT obj_description('app.customer'::regclass, 'pg_class')",
          "SELECT count(*) FROM app.big_orders",
          "SELECT indexname FROM pg_indexes WHERE schemaname = 'app' ORDER BY 1");

  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    PgDumpFixture.assumeTools();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip", "plain"})
  void rewrittenTocIsByteIdenticalAndRestores(String kind) throws Exception {
    Path source = kind.equals("gzip") ? PgDumpFixture.gzipDump() : PgDumpFixture.plainDump();
    Path copy = Files.createDirectory(tmp.resolve("copy"));

    TocFile toc = TocReader.read(source);
    TocWriter.write(toc, copy);
    for (String f : TocReaderTest.files(source)) {
      if (!f.equals("toc.dat")) {
        Files.copy(source.resolve(f), copy.resolve(f));
      }
    }

    assertThat(Files.readAllBytes(copy.resolve("toc.dat")))
        .isEqualTo(Files.readAllBytes(source.resolve("toc.dat")));
    assertThat(PgDumpFixture.list(copy)).isEqualTo(PgDumpFixture.list(source));
    assertRestoresLikeSource(copy);
  }

  /** Data files decompressed and written again through {@link DataFiles} still restore. */
  @ParameterizedTest
  @ValueSource(ints = {-1, 0, 1, 9})
  void dataRecompressedByDataFilesRestores(int gzipLevel) throws Exception {
    Path source = PgDumpFixture.plainDump();
    Path copy = Files.createDirectory(tmp.resolve("recompressed"));
    TocFile toc = TocReader.read(source);
    CompressionAlgorithm alg =
        gzipLevel == 0 ? CompressionAlgorithm.NONE : CompressionAlgorithm.GZIP;
    ArchiveHeader h = toc.header();
    ArchiveHeader header =
        new ArchiveHeader(
            h.version(),
            4,
            8,
            ArchiveHeader.FORMAT_TAR,
            alg,
            gzipLevel,
            h.created(),
            h.databaseName(),
            h.serverVersion(),
            h.dumpVersion());
    TocWriter.write(new TocFile(header, toc.entries()), copy);
    for (TocEntry e : toc.entries()) {
      if (e.hadDumper()) {
        try (InputStream in = DataFiles.openForRead(source, e.dataFile());
            OutputStream out = DataFiles.openForWrite(copy, e.dataFile(), alg, gzipLevel)) {
          in.transferTo(out);
        }
      }
    }
    assertThat(TocReaderTest.files(copy))
        .allMatch(
            f ->
                f.equals("toc.dat")
                    || f.endsWith(alg == CompressionAlgorithm.NONE ? ".dat" : ".gz"));
    assertThat(PgDumpFixture.list(copy)).contains(";     Compression: " + gzipLevel + "\n");
    assertRestoresLikeSource(copy);
  }

  private static void assertRestoresLikeSource(Path archive) {
    String target = EmbeddedPg.createDatabase("tocrestore");
    PgDumpFixture.run(
        List.of(
            PgDumpFixture.PG_RESTORE.toString(),
            "-h",
            "localhost",
            "-p",
            Integer.toString(EmbeddedPg.port()),
            "-U",
            "postgres",
            "--exit-on-error",
            "-d",
            target,
            archive.toString()));
    for (String q : QUERIES) {
      assertThat(PgDumpFixture.rows(target, q))
          .as(q)
          .isNotEmpty()
          .isEqualTo(PgDumpFixture.rows(PgDumpFixture.database(), q));
    }
  }
}
