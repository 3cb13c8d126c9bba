package com.avnology.backup.postgres.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Archive versions 1.15 and 1.16 (pg_dump 16, 17+), which pg_restore 15 cannot read. */
final class TocWriterVersionsTest {
  @TempDir Path tmp;

  @BeforeAll
  static void tools() {
    PgDumpFixture.assumeTools();
  }

  @ParameterizedTest
  @CsvSource({"15, ZSTD", "16, ZSTD", "16, LZ4", "15, GZIP", "16, NONE"})
  void writesNewerVersionsThatReadBackFieldByField(int minor, CompressionAlgorithm alg)
      throws Exception {
    Path source = PgDumpFixture.plainDump();
    TocFile original = TocReader.read(source);
    ArchiveVersion version = new ArchiveVersion(1, minor, 0);
    List<TocEntry> entries =
        original.entries().stream()
            .map(
                e ->
                    minor >= 16 && e.desc().equals("TABLE")
                        ? TocTestSupport.withRelkind(e, 'r')
                        : e)
            .toList();
    ArchiveHeader header =
        ArchiveHeader.forDirectory(
            version,
            alg,
            -1,
            LocalDateTime.of(2024, 2, 29, 13, 5, 9),
            original.header().databaseName(),
            original.header().serverVersion(),
            "avnology-backup test");
    Path dir = Files.createDirectory(tmp.resolve("v" + minor + alg));
    TocWriter.write(new TocFile(header, entries), dir);
    for (TocEntry e : entries) {
      if (e.hadDumper()) {
        try (InputStream in = DataFiles.openForRead(source, e.dataFile());
            OutputStream out = DataFiles.openForWrite(dir, e.dataFile(), alg, -1)) {
          in.transferTo(out);
        }
      }
    }

    TocFile back = TocReader.read(dir);
    assertThat(back.header()).isEqualTo(header);
    assertThat(back.entries()).hasSameSizeAs(entries);
    for (int i = 0; i < entries.size(); i++) {
      assertThat(back.entries().get(i)).as("entry %d", i + 1).isEqualTo(entries.get(i));
    }
    assertThat(TocReaderTest.find(back, "TABLE", "orders").relkind())
        .isEqualTo(minor >= 16 ? 'r' : 0);
    for (TocEntry e : entries) {
      if (e.hadDumper()) {
        assertThat(DataFiles.find(dir, e.dataFile()).orElseThrow().getFileName().toString())
            .isEqualTo(e.dataFile() + alg.suffix());
        assertThat(TocReaderTest.readAll(dir, e.dataFile()))
            .isEqualTo(TocReaderTest.readAll(source, e.dataFile()));
      }
    }

    // ReadHead (pg_backup_archiver.c): "if (AH->version < K_VERS_1_0 || AH->version >
    // K_VERS_MAX) pg_fatal("unsupported version (%d.%d) in file header", vmaj, vmin);"
    PgDumpFixture.Result r =
        PgDumpFixture.tryRun(List.of(PgDumpFixture.PG_RESTORE.toString(), "-l", dir.toString()));
    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("unsupported version (1." + minor + ") in file header");
  }

  @Test
  void headerBytesAreThoseOfWriteHead() throws Exception {
    TocFile original = TocReader.read(PgDumpFixture.plainDump());
    LocalDateTime when = LocalDateTime.of(2024, 2, 29, 13, 5, 9);
    byte[] v16 =
        TocTestSupport.bytes(
            new TocFile(
                ArchiveHeader.forDirectory(
                    ArchiveVersion.V1_16, CompressionAlgorithm.ZSTD, -1, when, "db", "17.2", "x"),
                original.entries()));
    // WriteHead, PG 17 pg_backup_archiver.c:
    //   AH->WriteBufPtr(AH, "PGDMP", 5);   /* Magic code */
    //   AH->WriteBytePtr(AH, ARCHIVE_MAJOR(AH->version));
    //   AH->WriteBytePtr(AH, ARCHIVE_MINOR(AH->version));
    //   AH->WriteBytePtr(AH, ARCHIVE_REV(AH->version));
    //   AH->WriteBytePtr(AH, AH->intSize);
    //   AH->WriteBytePtr(AH, AH->offSize);
    //   AH->WriteBytePtr(AH, AH->format);         -- archTar (3): pg_backup_directory.c
    //                                               _CloseArchive sets AH->format = archTar
    //   AH->WriteBytePtr(AH, AH->compression_spec.algorithm);   -- PG_COMPRESSION_ZSTD = 3
    //   crtm = *localtime(&AH->createDate);
    //   WriteInt(AH, crtm.tm_sec); ... tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_isdst
    //   WriteStr(AH, PQdb(AH->connection)); WriteStr(remoteVersionStr); WriteStr(PG_VERSION)
    byte[] expected = {
      'P', 'G', 'D', 'M', 'P', 1, 16, 0, 4, 8, 3, 3, 0, 9, 0, 0, 0, /* sec */ 0, 5, 0, 0,
      0, /* min */ 0, 13, 0, 0, 0, /* hour */ 0, 29, 0, 0, 0, /* mday */ 0, 1, 0, 0,
      0, /* mon from 0 */ 0, 124, 0, 0, 0, /* -1900 */ 0, 0, 0, 0, 0, /* isdst */ 0, 2, 0, 0, 0,
      'd', 'b', 0, 4, 0, 0, 0, '1', '7', '.', '2', 0, 1, 0, 0, 0, 'x'
    };
    assertThat(Arrays.copyOf(v16, expected.length)).isEqualTo(expected);

    // Before 1.15, WriteHead wrote "WriteInt(AH, AH->compression);" (a level, -1 = default):
    // sign byte 1, magnitude 1 -> 01 01 00 00 00, four bytes more than 1.15's algorithm byte.
    byte[] v14 =
        TocTestSupport.bytes(
            new TocFile(
                ArchiveHeader.forDirectory(
                    ArchiveVersion.V1_14, CompressionAlgorithm.GZIP, -1, when, "db", "17.2", "x"),
                original.entries()));
    assertThat(Arrays.copyOfRange(v14, 5, 16)).containsExactly(1, 14, 0, 4, 8, 3, 1, 1, 0, 0, 0);
    byte[] v15 =
        TocTestSupport.bytes(
            new TocFile(
                ArchiveHeader.forDirectory(
                    ArchiveVersion.V1_15, CompressionAlgorithm.ZSTD, -1, when, "db", "17.2", "x"),
                original.entries()));
    assertThat(v14.length - v15.length).isEqualTo(4);
    // ReadToc: "if (AH->version >= K_VERS_1_16) te->relkind = ReadInt(AH);" -- one int (sign
    // byte + 4) per entry, between tableam and owner.
    assertThat(v16.length - v15.length).isEqualTo(5 * original.entries().size());
  }

  @Test
  void refusesWhatTheFormatCannotHold() {
    assertThatThrownBy(
            () ->
                ArchiveHeader.forDirectory(
                    ArchiveVersion.V1_14,
                    CompressionAlgorithm.ZSTD,
                    -1,
                    LocalDateTime.now(ZoneId.systemDefault()),
                    "db",
                    "15",
                    "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.15");
    ArchiveHeader v13 =
        ArchiveHeader.forDirectory(
            ArchiveVersion.V1_13,
            CompressionAlgorithm.NONE,
            0,
            LocalDateTime.now(ZoneId.systemDefault()),
            "db",
            "15",
            "x");
    assertThatThrownBy(() -> TocTestSupport.bytes(new TocFile(v13, List.of())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1.13");
  }
}
