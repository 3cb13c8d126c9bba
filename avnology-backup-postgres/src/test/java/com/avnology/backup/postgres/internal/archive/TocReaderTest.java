package com.avnology.backup.postgres.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class TocReaderTest {
  @BeforeAll
  static void tools() {
    PgDumpFixture.assumeTools();
  }

  @Test
  void readsGzipDirectoryArchiveAsPgRestoreListsIt() throws Exception {
    Path dir = PgDumpFixture.gzipDump();
    TocFile toc = TocReader.read(dir);
    String listing = PgDumpFixture.list(dir);

    assertThat(toc.entries()).hasSize(intAfter(listing, "TOC Entries: "));
    assertThat(TocTestSupport.summaryLines(toc.entries()))
        .containsExactlyElementsOf(TocTestSupport.listedEntries(listing));

    ArchiveHeader h = toc.header();
    assertThat(h.version()).isEqualTo(ArchiveVersion.V1_14);
    assertThat(h.format()).isEqualTo(ArchiveHeader.FORMAT_TAR);
    assertThat(h.intSize()).isEqualTo(4);
    assertThat(h.offSize()).isEqualTo(8);
    assertThat(h.compression()).isEqualTo(CompressionAlgorithm.GZIP);
    assertThat(h.compressionLevel()).isEqualTo(intAfter(listing, "Compression: "));
    assertThat(h.databaseName()).isEqualTo(PgDumpFixture.database());
    assertThat(listing).contains("Dumped from database version: " + h.serverVersion() + "\n");
    assertThat(listing).contains("Dumped by pg_dump version: " + h.dumpVersion() + "\n");
    String created = h.created().toLocalDateTime().toString().replace('T', ' ');
    assertThat(listing).contains("Archive created at " + created);
  }

  @Test
  void entryFieldsMatchWhatPgDumpStores() throws Exception {
    TocFile toc = TocReader.read(PgDumpFixture.gzipDump());

    TocEntry encoding = find(toc, "ENCODING", "ENCODING");
    assertThat(encoding.defn()).isEqualTo("SET client_encoding = 'UTF8';\n");
    assertThat(encoding.section()).isEqualTo(TocEntry.Section.PRE_DATA);
    assertThat(encoding.owner()).isNull();
    assertThat(encoding.dataFile()).isEmpty();

    TocEntry table = find(toc, "TABLE", "customer");
    assertThat(table.namespace()).isEqualTo("app");
    assertThat(table.tablespace()).isEmpty();
    assertThat(table.tableAm()).isEqualTo("heap");
    assertThat(table.relkind()).isZero();
    assertThat(table.dropStmt()).isEqualTo("DROP TABLE app.customer;\n");
    assertThat(table.hadDumper()).isFalse();

    TocEntry data = find(toc, "TABLE DATA", "customer");
    assertThat(data.section()).isEqualTo(TocEntry.Section.DATA);
    assertThat(data.hadDumper()).isTrue();
    assertThat(data.copyStmt()).isEqualTo("COPY app.customer (id, name, note) FROM stdin;\n");
    assertThat(data.defn()).isNull();
    assertThat(data.tableOid()).isEqualTo("0");
    assertThat(data.oid()).isEqualTo(table.oid());
    assertThat(data.dependencies()).first().isEqualTo(table.dumpId());
    assertThat(data.dataFile()).isEqualTo(data.dumpId() + ".dat");

    TocEntry comment = find(toc, "COMMENT", "TABLE customer");
    assertThat(comment.section()).isEqualTo(TocEntry.Section.NONE);
    assertThat(comment.defn()).contains("'Customers — ünïcödé ✓'");
    assertThat(comment.dropStmt()).isNull();

    assertThat(find(toc, "SEQUENCE SET", "invoice_seq").defn())
        .contains("setval('app.invoice_seq', 142, true)");
    assertThat(find(toc, "INDEX", "orders_customer_idx").section())
        .isEqualTo(TocEntry.Section.POST_DATA);
    assertThat(find(toc, "VIEW", "big_orders").tableAm()).isNull();
  }

  @Test
  void readsUncompressedArchiveAndItsDataFiles() throws Exception {
    Path dir = PgDumpFixture.plainDump();
    TocFile toc = TocReader.read(dir.resolve("toc.dat"));
    String listing = PgDumpFixture.list(dir);

    assertThat(toc.header().compression()).isEqualTo(CompressionAlgorithm.NONE);
    assertThat(toc.header().compressionLevel()).isZero();
    assertThat(TocTestSupport.summaryLines(toc.entries()))
        .containsExactlyElementsOf(TocTestSupport.listedEntries(listing));

    TocEntry data = find(toc, "TABLE DATA", "customer");
    assertThat(DataFiles.find(dir, data.dataFile())).contains(dir.resolve(data.dataFile()));
    String plain = readAll(dir, data.dataFile());
    assertThat(plain)
        .contains("Zoë\tline1\\nline2")
        .contains("Bob\ttab\\there")
        // dumpTableData_copy (pg_dump.c) ends the data with archputs("\\.\n\n\n", fout)
        .endsWith("\\.\n\n\n");
    // the gzip archive's data file decompresses to the same COPY text
    TocFile gz = TocReader.read(PgDumpFixture.gzipDump());
    TocEntry gzData = find(gz, "TABLE DATA", "customer");
    Optional<Path> gzFile = DataFiles.find(PgDumpFixture.gzipDump(), gzData.dataFile());
    assertThat(gzFile).isPresent();
    assertThat(gzFile.get().getFileName().toString()).endsWith(".dat.gz");
    assertThat(readAll(PgDumpFixture.gzipDump(), gzData.dataFile())).isEqualTo(plain);
  }

  static TocEntry find(TocFile toc, String desc, String tag) {
    return toc.entries().stream()
        .filter(e -> desc.equals(e.desc()) && tag.equals(e.tag()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + desc + " " + tag));
  }

  static String readAll(Path dir, String name) throws Exception {
    try (InputStream in = DataFiles.openForRead(dir, name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static int intAfter(String text, String label) {
    Matcher m = Pattern.compile(Pattern.quote(label) + "(-?\\d+)").matcher(text);
    assertThat(m.find()).as(label + " in " + text).isTrue();
    return Integer.parseInt(m.group(1));
  }

  static List<String> files(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
