package com.avnology.backup.postgres.internal.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Writes a directory archive's {@code toc.dat} byte for byte as pg_dump does ({@code WriteHead},
 * {@code WriteToc} and the directory format's {@code _WriteExtraToc}), for archive versions 1.14
 * (pg_restore 12+; no or gzip compression), 1.15 and 1.16 (any compression). Fields a version does
 * not have are left out: relkind before 1.16. Strings are encoded in the encoding the entries'
 * ENCODING entry names (UTF-8 if none).
 */
public final class TocWriter {
  private static final DataOffset NO_DATA = new DataOffset(DataOffset.NO_DATA, 0);

  private TocWriter() {}

  /**
   * Writes {@code dir/toc.dat}, replacing any existing one.
   *
   * @param toc header and entries
   * @param dir the archive directory, which must exist
   * @throws IOException on write failure
   */
  public static void write(TocFile toc, Path dir) throws IOException {
    try (OutputStream out =
        new BufferedOutputStream(Files.newOutputStream(dir.resolve("toc.dat")), 65536)) {
      write(toc, out);
    }
  }

  /**
   * Writes a table of contents to a stream.
   *
   * @param toc header and entries
   * @param stream where to write; flushed, not closed
   * @throws IOException on write failure
   * @throws IllegalArgumentException for an unsupported version, a header whose format is not
   *     {@link ArchiveHeader#FORMAT_TAR}, a non-positive or duplicate dumpId
   */
  public static void write(TocFile toc, OutputStream stream) throws IOException {
    write(toc, stream, ArchiveHeader.FORMAT_TAR, null);
  }

  /**
   * Writes the header and TOC of a custom-format archive: each entry ends with its data offset
   * ({@code _WriteExtraToc} in pg_backup_custom.c) instead of a file name. The offsets have fixed
   * width, so a TOC rewritten with positions set has the same length.
   *
   * @param toc header (format {@link ArchiveHeader#FORMAT_CUSTOM}) and entries
   * @param offsets each entry's data offset by dumpId; entries not in it get {@code NO_DATA}
   * @param stream where to write; flushed, not closed
   * @throws IOException on write failure
   * @throws IllegalArgumentException for an unsupported version, a header whose format is not
   *     {@link ArchiveHeader#FORMAT_CUSTOM}, a non-positive or duplicate dumpId
   */
  public static void writeCustom(TocFile toc, Map<Integer, DataOffset> offsets, OutputStream stream)
      throws IOException {
    write(toc, stream, ArchiveHeader.FORMAT_CUSTOM, Objects.requireNonNull(offsets, "offsets"));
  }

  private static void write(
      TocFile toc, OutputStream stream, int format, Map<Integer, DataOffset> offsets)
      throws IOException {
    ArchiveHeader header = toc.header();
    ArchiveVersion v = header.version();
    if (v.major() != 1 || v.minor() < 14 || v.minor() > 16) {
      throw new IllegalArgumentException(
          "cannot write archive version " + v + "; supported are 1.14, 1.15, 1.16");
    }
    if (header.format() != format) {
      throw new IllegalArgumentException(
          (format == ArchiveHeader.FORMAT_TAR
                  ? "a directory archive's toc.dat"
                  : "a custom archive")
              + " has format "
              + format
              + ", not "
              + header.format());
    }
    Set<Integer> ids = new HashSet<>();
    for (TocEntry e : toc.entries()) {
      if (e.dumpId() <= 0 || !ids.add(e.dumpId())) {
        throw new IllegalArgumentException("bad or duplicate dumpId " + e.dumpId());
      }
    }
    Charset cs = PgEncodings.archiveCharset(toc.entries());
    ArchiveOutput out = new ArchiveOutput(stream);
    out.charset(cs);
    header.write(out);
    out.writeInt(toc.entries().size());
    for (TocEntry e : toc.entries()) {
      writeEntry(out, v, e);
      if (offsets == null) {
        // _WriteExtraToc (pg_backup_directory.c): the file name, or "" when there is none
        out.writeStr(e.dataFile() == null ? "" : e.dataFile());
      } else {
        out.writeOffset(offsets.getOrDefault(e.dumpId(), NO_DATA));
      }
    }
    out.flush();
  }

  private static void writeEntry(ArchiveOutput out, ArchiveVersion v, TocEntry e)
      throws IOException {
    out.writeInt(e.dumpId());
    out.writeInt(e.hadDumper() ? 1 : 0);
    out.writeStr(e.tableOid());
    out.writeStr(e.oid());
    out.writeStr(e.tag());
    out.writeStr(e.desc());
    out.writeInt(e.section().code());
    out.writeStr(e.defn());
    out.writeStr(e.dropStmt());
    out.writeStr(e.copyStmt());
    out.writeStr(e.namespace());
    out.writeStr(e.tablespace());
    out.writeStr(e.tableAm());
    if (v.atLeast(ArchiveVersion.V1_16)) {
      out.writeInt(e.relkind());
    }
    out.writeStr(e.owner());
    out.writeStr("false");
    for (int dep : e.dependencies()) {
      out.writeStr(Integer.toString(dep));
    }
    out.writeStr(null);
  }
}
