package com.avnology.backup.postgres.internal.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.BackupException;
import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.internal.archive.ArchiveFormatException;
import com.avnology.backup.postgres.internal.archive.DataOffset;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.engine.ArchiveRestore;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Truncated and corrupted custom archives: errors name the entry; nothing is left applied. */
final class CustomArchiveCorruptionTest {
  private static String source;
  @TempDir Path tmp;

  @BeforeAll
  static void fixture() {
    Dumps.assumeTools();
    source = Fidelity.createAllKindsDatabase("crsrc");
  }

  @BeforeEach
  void tools() {
    Dumps.assumeTools();
  }

  @Test
  void restore_archiveTruncatedInToc_namesEntryAndAppliesNothing() throws IOException {
    Path file = Dumps.pgDump(tmp.resolve("all.dump"), source, "-Fc");
    long dataStart = new CustomArchiveSource(file).customToc().dataStart();
    truncate(file, dataStart / 2);
    String target = EmbeddedPg.createDatabase("crdst");

    assertThatThrownBy(() -> new CustomArchiveSource(file).toc())
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageMatching("all\\.dump truncated in entry \\d+ of \\d+ \\(dumpId \\d+\\)");
    assertThatThrownBy(() -> restore(file, target))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("all.dump truncated in entry");
    assertThat(userRelations(target)).isZero();
  }

  @Test
  void restore_archiveTruncatedInData_namesEntryAndUndoes() throws IOException {
    Path file = Dumps.pgDump(tmp.resolve("all.dump"), source, "-Fc", "-Z0");
    CustomArchiveSource archive = new CustomArchiveSource(file);
    TocEntry biggest = biggestData(archive);
    long at = archive.customToc().offsets().get(biggest.dumpId()).position();
    truncate(file, at + archive.dataSize(biggest.dataFile()) / 2);
    String target = EmbeddedPg.createDatabase("crdst");

    assertThatThrownBy(() -> new CustomArchiveSource(file).verify())
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageContaining(
            "data of entry "
                + biggest.dumpId()
                + " (TABLE DATA "
                + biggest.namespace()
                + " "
                + biggest.tag()
                + ") is truncated");
    assertThatThrownBy(() -> restore(file, target))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("archive entry " + biggest.dumpId())
        .hasMessageContaining("is truncated")
        .hasMessageContaining("dropped again, the database is as it was");
    assertThat(userRelations(target)).isZero();
  }

  @Test
  void verify_corruptCompressedData_namesEntry() throws IOException {
    Path file = Dumps.pgDump(tmp.resolve("all.dump"), source, "-Fc");
    CustomArchiveSource archive = new CustomArchiveSource(file);
    TocEntry biggest = biggestData(archive);
    long at = archive.customToc().offsets().get(biggest.dumpId()).position();
    // block type (1) + dumpId (5) + chunk length (5) + zlib header (2): deflate data follows
    overwrite(file, at + 13, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff});

    assertThatThrownBy(() -> new CustomArchiveSource(file).verify())
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageStartingWith(
            "data of entry "
                + biggest.dumpId()
                + " (TABLE DATA "
                + biggest.namespace()
                + " "
                + biggest.tag()
                + ") is corrupt");
  }

  @Test
  void restore_pipedArchiveTruncatedInData_namesEntryAndUndoes() throws IOException {
    Path file = Dumps.pgDumpThroughPipe(tmp.resolve("piped.dump"), source);
    long size = Files.size(file);
    long dataStart = new CustomArchiveSource(file).customToc().dataStart();
    truncate(file, dataStart + (size - dataStart) / 2);
    String target = EmbeddedPg.createDatabase("crdst");

    assertThatThrownBy(() -> new CustomArchiveSource(file).verify())
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageMatching(
            ".*piped\\.dump is truncated in the data of entry \\d+ \\(TABLE DATA"
                + " .*\\) \\(block at byte \\d+\\)");
    assertThatThrownBy(() -> restore(file, target))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("is truncated in the data of entry")
        .hasMessageContaining("dropped again, the database is as it was");
    assertThat(userRelations(target)).isZero();
  }

  @Test
  void openData_blockOfAnotherEntryAtOffset_namesBothIds() throws IOException {
    Path file = Dumps.pgDump(tmp.resolve("all.dump"), source, "-Fc", "-Z0");
    CustomArchiveSource archive = new CustomArchiveSource(file);
    TocEntry biggest = biggestData(archive);
    long at = archive.customToc().offsets().get(biggest.dumpId()).position();
    overwrite(file, at + 2, new byte[] {(byte) 0x7f, 0, 0, 0});

    assertThatThrownBy(() -> new CustomArchiveSource(file).openData(biggest.dataFile()))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageStartingWith("found unexpected block ID (")
        .hasMessageContaining("when reading data of entry " + biggest.dumpId());
  }

  private static void restore(Path file, String target) {
    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(new CustomArchiveSource(file));
  }

  private static TocEntry biggestData(CustomArchiveSource archive) throws IOException {
    var offsets = archive.customToc().offsets();
    return archive.toc().entries().stream()
        .filter(e -> e.desc().equals("TABLE DATA"))
        .filter(e -> offsets.get(e.dumpId()).flag() == DataOffset.POS_SET)
        .max(Comparator.comparingLong(e -> archive.dataSize(e.dataFile())))
        .orElseThrow();
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.truncate(size);
    }
  }

  private static void overwrite(Path file, long at, byte[] bytes) throws IOException {
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      c.write(ByteBuffer.wrap(bytes), at);
    }
  }

  private static int userRelations(String db) {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog',"
                    + " 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'")) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
