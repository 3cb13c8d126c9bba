package com.avnology.backup.postgres.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataPrefetchTest {
  @TempDir Path dir;

  private static TocEntry data(int id) {
    return new TocEntry(
        id,
        true,
        "0",
        "0",
        "t" + id,
        "TABLE DATA",
        TocEntry.Section.DATA,
        "",
        "",
        "COPY public.t" + id + " (a) FROM stdin;\n",
        "public",
        "",
        "",
        0,
        "",
        List.of(),
        id + ".dat");
  }

  /** Rows of COPY text, different for each file. */
  private static byte[] rows(int id, int bytes) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; b.length() < bytes; i++) {
      b.append(id).append('\t').append(i * 7919L % 100_003).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  private byte[] gz(int id, byte[] content) throws IOException {
    try (OutputStream out =
        new GZIPOutputStream(Files.newOutputStream(dir.resolve(id + ".dat.gz")))) {
      out.write(content);
    }
    return content;
  }

  private static byte[] all(InputStream in) throws IOException {
    try (in) {
      return in.readAllBytes();
    }
  }

  @Test
  void smallFiles_areReadAhead_andServedFromMemory_largeOnesAreNot() throws Exception {
    byte[] small = rows(1, 10_000);
    Files.write(dir.resolve("1.dat"), small);
    byte[] compressed = gz(2, rows(2, 300_000));
    // stored size above MAX_STORED (the text does not compress to under 1 MiB)
    byte[] big = new byte[(int) DataPrefetch.MAX_STORED + 1];
    new java.util.Random(3).nextBytes(big);
    Files.write(dir.resolve("3.dat"), big);
    ArchiveSource source = new DirectoryArchiveSource(dir);

    try (DataPrefetch p = DataPrefetch.start(source, List.of(data(1), data(2), data(3)))) {
      p.readAll();
      // what was read ahead no longer needs the archive
      Files.delete(dir.resolve("1.dat"));
      Files.delete(dir.resolve("2.dat.gz"));
      assertThat(all(p.open("1.dat"))).isEqualTo(small);
      assertThat(all(p.open("2.dat"))).isEqualTo(compressed);
      // handed over once: a second open reads the archive (the file is gone now)
      assertThatThrownBy(() -> p.open("1.dat")).isInstanceOf(IOException.class);
      // too large to read ahead: read from the archive when the load opens it
      Files.delete(dir.resolve("3.dat"));
      assertThatThrownBy(() -> p.open("3.dat")).isInstanceOf(IOException.class);
    }
  }

  @Test
  void pastTheBudget_theFileIsHandedOverHalfRead_andReadingAheadStops() throws Exception {
    byte[] first = gz(1, rows(1, 200_000));
    byte[] second = gz(2, rows(2, 150_000));
    byte[] third = gz(3, rows(3, 100_000));
    ArchiveSource source = new DirectoryArchiveSource(dir);

    // the largest stored file first; the budget ends inside the second
    try (DataPrefetch p = DataPrefetch.start(source, List.of(data(3), data(1), data(2)), 250_000)) {
      p.readAll();
      Files.delete(dir.resolve("1.dat.gz"));
      Files.delete(dir.resolve("2.dat.gz"));
      Files.delete(dir.resolve("3.dat.gz"));
      assertThat(all(p.open("1.dat"))).isEqualTo(first);
      // half in memory, the rest from the stream left open (the deleted file is still readable)
      assertThat(all(p.open("2.dat"))).isEqualTo(second);
      assertThatThrownBy(() -> p.open("3.dat")).isInstanceOf(NoSuchFileException.class);
      assertThat(third).isNotEmpty();
    }
  }

  @Test
  void aDamagedFile_isNotKept_itsLoadMeetsTheDamage() throws Exception {
    gz(1, rows(1, 50_000));
    Path file = dir.resolve("1.dat.gz");
    byte[] stored = Files.readAllBytes(file);
    stored[stored.length - 6] ^= 0x55; // the gzip trailer's CRC no longer matches
    Files.write(file, stored);
    ArchiveSource source = new DirectoryArchiveSource(dir);

    try (DataPrefetch p = DataPrefetch.start(source, List.of(data(1)))) {
      p.readAll();
      // not served from memory: the file is read again, and its damage shows
      assertThatThrownBy(() -> all(p.open("1.dat"))).isInstanceOf(IOException.class);
      Files.delete(file);
      assertThatThrownBy(() -> p.open("1.dat")).isInstanceOf(NoSuchFileException.class);
    }
  }

  @Test
  void finishing_stopsReadingAhead() throws Exception {
    for (int id = 1; id <= 50; id++) {
      gz(id, rows(id, 20_000));
    }
    List<TocEntry> entries = new java.util.ArrayList<>();
    for (int id = 1; id <= 50; id++) {
      entries.add(data(id));
    }
    DataPrefetch p = DataPrefetch.start(new DirectoryArchiveSource(dir), entries);
    p.finish();
    int served = 0;
    for (int id = 1; id <= 50; id++) {
      Files.delete(dir.resolve(id + ".dat.gz"));
      try {
        assertThat(all(p.open(id + ".dat"))).isEqualTo(rows(id, 20_000));
        served++;
      } catch (NoSuchFileException e) {
        // not read ahead before finish()
      }
    }
    p.close();
    // finish() right after start: the thread stops after at most the file it was reading
    assertThat(served).isLessThanOrEqualTo(1);
  }

  @Test
  void closing_releasesAHalfReadFileNobodyTook() throws Exception {
    gz(1, rows(1, 100_000));
    ArchiveSource source = new DirectoryArchiveSource(dir);
    DataPrefetch p = DataPrefetch.start(source, List.of(data(1)), 1_000);
    p.readAll();
    p.close();
    // after close, nothing is served from memory
    Files.delete(dir.resolve("1.dat.gz"));
    assertThatThrownBy(() -> p.open("1.dat")).isInstanceOf(NoSuchFileException.class);
  }
}
