package com.avnology.backup.postgres.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

final class TocCorruptFileTest {
  private static TocFile toc;
  private static byte[] bytes;

  @BeforeAll
  static void load() throws Exception {
    PgDumpFixture.assumeTools();
    toc = TocReader.read(PgDumpFixture.gzipDump());
    bytes = TocTestSupport.bytes(toc);
  }

  /**
   * @return the offset where entry {@code index} (0-based) starts
   */
  private static int entryStart(int index) {
    List<TocEntry> prefix = toc.entries().subList(0, index);
    byte[] b = TocTestSupport.bytes(new TocFile(toc.header(), prefix));
    return b.length; // the count int has the same width whatever its value
  }

  private static TocFile read(byte[] b) throws Exception {
    return TocReader.read(new ByteArrayInputStream(b));
  }

  @Test
  void truncationInsideAnEntryNamesEntryAndDumpId() {
    int count = toc.entries().size();
    for (int i : new int[] {0, 7, count - 1}) {
      TocEntry e = toc.entries().get(i);
      int start = entryStart(i);
      for (int cut : new int[] {start + 5, start + 12, entryStart(i + 1) - 1}) {
        assertThatThrownBy(() -> read(Arrays.copyOf(bytes, cut)))
            .isInstanceOf(ArchiveFormatException.class)
            .hasMessage(
                "toc.dat truncated in entry "
                    + (i + 1)
                    + " of "
                    + count
                    + " (dumpId "
                    + e.dumpId()
                    + ")");
      }
      assertThatThrownBy(() -> read(Arrays.copyOf(bytes, start + 2)))
          .isInstanceOf(ArchiveFormatException.class)
          .hasMessage(
              "toc.dat truncated in entry " + (i + 1) + " of " + count + " (dumpId not read)");
    }
  }

  @Test
  void truncationInHeaderOrCount() {
    assertThatThrownBy(() -> read(Arrays.copyOf(bytes, 3)))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessage("toc.dat truncated in header");
    assertThatThrownBy(() -> read(Arrays.copyOf(bytes, 40)))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessage("toc.dat truncated in header");
    assertThatThrownBy(() -> read(Arrays.copyOf(bytes, entryStart(0) - 3)))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageContaining("entry count");
  }

  @Test
  void corruptValuesNameTheEntry() {
    int i = 9;
    TocEntry e = toc.entries().get(i);
    int start = entryStart(i);
    String where = "toc.dat corrupt in entry " + (i + 1) + " of " + toc.entries().size();

    byte[] zeroId = bytes.clone();
    Arrays.fill(zeroId, start, start + 5, (byte) 0);
    assertThatThrownBy(() -> read(zeroId))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessage(where + " (dumpId not read): entry ID 0 out of range");

    byte[] badSign = bytes.clone();
    badSign[start + 5] = 7; // hadDumper's sign byte
    assertThatThrownBy(() -> read(badSign))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageStartingWith(where + " (dumpId " + e.dumpId() + "): bad integer sign byte 7");

    byte[] badLength = bytes.clone();
    badLength[start + 10] = 1; // tableoid string length: -(its digit count)
    assertThatThrownBy(() -> read(badLength))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageStartingWith(
            where + " (dumpId " + e.dumpId() + "): bad string length -" + e.tableOid().length());
  }

  @Test
  void wrongMagicVersionOrFormat() {
    byte[] magic = bytes.clone();
    magic[0] = 'X';
    assertThatThrownBy(() -> read(magic))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageContaining("magic string");
    byte[] version = bytes.clone();
    version[6] = 17;
    assertThatThrownBy(() -> read(version))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageContaining("unsupported archive version (1.17)");
    byte[] format = bytes.clone();
    format[10] = 1;
    assertThatThrownBy(() -> read(format))
        .isInstanceOf(ArchiveFormatException.class)
        .hasMessageContaining("format found in toc.dat (1)");
  }

  @Test
  void intactBytesStillRead() throws Exception {
    assertThat(read(bytes)).isEqualTo(toc);
  }
}
