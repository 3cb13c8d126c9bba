package com.avnology.backup.postgres.internal.archive;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a directory archive's {@code toc.dat} byte for byte as pg_dump does ({@code WriteHead},
 * {@code WriteToc} and the directory format's {@code _WriteExtraToc}), for archive versions 1.14
 * (pg_restore 12+; no or gzip compression), 1.15 and 1.16 (any compression). Fields a version
 * does not have are left out: relkind before 1.16. Strings are encoded in the encoding the
 * entries' ENCODING entry names (UTF-8 if none).
 */
public final class TocWriter {
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
   * @param toc header and entries
   * @param stream where to write; flushed, not closed
   * @throws IOException on write failure
   * @throws IllegalArgumentException for an unsupported version, a header whose format is not
   *     {@link ArchiveHeader#FORMAT_TAR}, a non-positive or duplicate dumpId
   */
  public static void write(TocFile toc, OutputStream stream) throws IOException {
    ArchiveHeader header = toc.header();
    ArchiveVersion v = header.version();
    if (v.major() != 1 || v.minor() < 14 || v.minor() > 16) {
      throw new IllegalArgumentException("cannot write archive version " + v
          + "; supported are 1.14, 1.15, 1.16");
    }
    if (header.format() != ArchiveHeader.FORMAT_TAR) {
      throw new IllegalArgumentException(
          "a directory archive's toc.dat has format " + ArchiveHeader.FORMAT_TAR + ", not "
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
    // _WriteExtraToc (pg_backup_directory.c): the file name, or "" when there is none
    out.writeStr(e.dataFile() == null ? "" : e.dataFile());
  }
}
