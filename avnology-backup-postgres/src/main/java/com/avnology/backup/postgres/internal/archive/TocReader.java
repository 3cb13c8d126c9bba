package com.avnology.backup.postgres.internal.archive;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a directory archive's {@code toc.dat} (archive versions 1.12–1.16), as {@code ReadHead},
 * {@code ReadToc} and the directory format's {@code _ReadExtraToc} do; also the header and TOC at
 * the start of a custom-format archive ({@link #readCustom}). Strings are decoded in the encoding
 * the archive's ENCODING entry names. A truncated or corrupt file raises {@link
 * ArchiveFormatException} naming the entry reached, e.g. {@code toc.dat truncated in entry 17 of 40
 * (dumpId 245)}.
 */
public final class TocReader {
  private TocReader() {}

  /**
   * {@return header and entries}
   *
   * @param tocDat the {@code toc.dat} file, or an archive directory holding one
   * @throws IOException on read failure; {@link ArchiveFormatException} on bad content
   */
  public static TocFile read(Path tocDat) throws IOException {
    Path file = Files.isDirectory(tocDat) ? tocDat.resolve("toc.dat") : tocDat;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 65536)) {
      return read(in);
    }
  }

  /**
   * {@return header and entries}
   *
   * @param stream the bytes of a {@code toc.dat}, read to the end of the TOC
   * @throws IOException on read failure; {@link ArchiveFormatException} on bad content
   */
  public static TocFile read(InputStream stream) throws IOException {
    ArchiveInput in = new ArchiveInput(stream);
    return read(in, ArchiveHeader.FORMAT_TAR, "toc.dat", null);
  }

  /**
   * Reads the header and TOC of a custom-format archive ({@code pg_dump -Fc}), whose entries end
   * with a data offset ({@code _ReadExtraToc} in pg_backup_custom.c) instead of a file name. Each
   * entry with data gets the synthetic file name {@code <dumpId>.dat}, as a directory archive would
   * have it, so that code written for directory archives finds its data.
   *
   * @param in the archive from its first byte; afterwards positioned at the first data block
   * @param name the archive's name, for messages
   * @return the TOC and each entry's data offset
   * @throws IOException on read failure; {@link ArchiveFormatException} on bad content
   */
  public static CustomToc readCustom(ArchiveInput in, String name) throws IOException {
    Map<Integer, DataOffset> offsets = new LinkedHashMap<>();
    TocFile toc = read(in, ArchiveHeader.FORMAT_CUSTOM, name, offsets);
    return new CustomToc(toc, offsets, in.position());
  }

  private static TocFile read(
      ArchiveInput in, int format, String name, Map<Integer, DataOffset> offsets)
      throws IOException {
    // Latin-1 maps every byte to one char: strings are re-decoded once ENCODING is known.
    in.charset(StandardCharsets.ISO_8859_1);
    ArchiveHeader header;
    try {
      header = ArchiveHeader.read(in);
    } catch (EOFException e) {
      throw new ArchiveFormatException(name + " truncated in header", e);
    }
    if (header.format() != format) {
      throw new ArchiveFormatException(
          "expected format ("
              + format
              + ", "
              + (format == ArchiveHeader.FORMAT_TAR ? "directory/tar" : "custom")
              + ") differs from format found in "
              + name
              + " ("
              + header.format()
              + ")");
    }
    int count;
    try {
      count = in.readInt();
    } catch (EOFException e) {
      throw new ArchiveFormatException(name + " truncated before the entry count", e);
    }
    if (count < 0) {
      throw new ArchiveFormatException(name + " corrupt: entry count " + count);
    }
    List<TocEntry> entries = new ArrayList<>(Math.min(count, 4096));
    int[] dumpId = new int[1];
    for (int i = 0; i < count; i++) {
      dumpId[0] = 0;
      try {
        entries.add(readEntry(in, header.version(), dumpId, offsets));
      } catch (EOFException e) {
        throw new ArchiveFormatException(name + " truncated in " + where(i, count, dumpId[0]), e);
      } catch (ArchiveFormatException e) {
        throw new ArchiveFormatException(
            name + " corrupt in " + where(i, count, dumpId[0]) + ": " + e.getMessage(), e);
      }
    }
    Charset cs = PgEncodings.archiveCharset(entries);
    if (cs.equals(StandardCharsets.ISO_8859_1)) {
      return new TocFile(header, entries);
    }
    return transcode(header, entries, cs);
  }

  private static String where(int index, int count, int dumpId) {
    return "entry "
        + (index + 1)
        + " of "
        + count
        + (dumpId > 0 ? " (dumpId " + dumpId + ")" : " (dumpId not read)");
  }

  private static TocEntry readEntry(
      ArchiveInput in, ArchiveVersion v, int[] idOut, Map<Integer, DataOffset> offsets)
      throws IOException {
    int dumpId = in.readInt();
    if (dumpId <= 0) {
      throw new ArchiveFormatException("entry ID " + dumpId + " out of range");
    }
    idOut[0] = dumpId;
    boolean hadDumper = in.readInt() != 0;
    String tableOid = in.readStr();
    String oid = in.readStr();
    String tag = in.readStr();
    String desc = in.readStr();
    int sectionCode = in.readInt();
    TocEntry.Section section;
    try {
      section = TocEntry.Section.of(sectionCode);
    } catch (IllegalArgumentException e) {
      throw new ArchiveFormatException("unknown section code " + sectionCode);
    }
    String defn = in.readStr();
    String dropStmt = in.readStr();
    String copyStmt = in.readStr();
    String namespace = in.readStr();
    String tablespace = in.readStr();
    String tableAm = v.atLeast(ArchiveVersion.V1_14) ? in.readStr() : null;
    int relkind = v.atLeast(ArchiveVersion.V1_16) ? in.readInt() : 0;
    String owner = in.readStr();
    in.readStr(); // withOids: "false"; pg_restore 12+ only warns about "true"
    List<Integer> deps = new ArrayList<>();
    for (String d = in.readStr(); d != null; d = in.readStr()) {
      try {
        deps.add(Integer.parseInt(d.trim()));
      } catch (NumberFormatException e) {
        throw new ArchiveFormatException("bad dependency \"" + d + "\"");
      }
    }
    String dataFile;
    if (offsets == null) {
      dataFile = in.readStr();
    } else {
      DataOffset offset = in.readOffset();
      offsets.put(dumpId, offset);
      dataFile = offset.flag() == DataOffset.NO_DATA ? "" : dumpId + ".dat";
    }
    return new TocEntry(
        dumpId,
        hadDumper,
        tableOid,
        oid,
        tag,
        desc,
        section,
        defn,
        dropStmt,
        copyStmt,
        namespace,
        tablespace,
        tableAm,
        relkind,
        owner,
        deps,
        dataFile);
  }

  private static TocFile transcode(ArchiveHeader h, List<TocEntry> entries, Charset cs) {
    ArchiveHeader header =
        new ArchiveHeader(
            h.version(),
            h.intSize(),
            h.offSize(),
            h.format(),
            h.compression(),
            h.compressionLevel(),
            h.created(),
            re(h.databaseName(), cs),
            re(h.serverVersion(), cs),
            re(h.dumpVersion(), cs));
    List<TocEntry> out = new ArrayList<>(entries.size());
    for (TocEntry e : entries) {
      out.add(
          new TocEntry(
              e.dumpId(),
              e.hadDumper(),
              re(e.tableOid(), cs),
              re(e.oid(), cs),
              re(e.tag(), cs),
              re(e.desc(), cs),
              e.section(),
              re(e.defn(), cs),
              re(e.dropStmt(), cs),
              re(e.copyStmt(), cs),
              re(e.namespace(), cs),
              re(e.tablespace(), cs),
              re(e.tableAm(), cs),
              e.relkind(),
              re(e.owner(), cs),
              e.dependencies(),
              re(e.dataFile(), cs)));
    }
    return new TocFile(header, out);
  }

  private static String re(String latin1, Charset cs) {
    return latin1 == null ? null : new String(latin1.getBytes(StandardCharsets.ISO_8859_1), cs);
  }
}
