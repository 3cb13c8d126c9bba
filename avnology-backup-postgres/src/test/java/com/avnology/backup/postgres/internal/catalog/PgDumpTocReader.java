package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Test-only reader of the TOC of a pg_dump 15 custom-format archive (1.14), written apart from the
 * engine's reader so the catalog tests compare against pg_dump's own entries.
 */
final class PgDumpTocReader {
  private final DataInputStream in;
  private int intSize;
  private int offSize;

  private PgDumpTocReader(InputStream in) {
    this.in = new DataInputStream(in);
  }

  static List<TocEntry> read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return new PgDumpTocReader(in).toc();
    }
  }

  private List<TocEntry> toc() throws IOException {
    byte[] magic = in.readNBytes(5);
    if (!new String(magic, StandardCharsets.US_ASCII).equals("PGDMP")) {
      throw new IOException("not a custom archive");
    }
    int vmaj = in.readUnsignedByte();
    int vmin = in.readUnsignedByte();
    in.readUnsignedByte();
    if (vmaj != 1 || vmin != 14) {
      throw new IOException("archive version 1." + vmin + " not supported by this test reader");
    }
    intSize = in.readUnsignedByte();
    offSize = in.readUnsignedByte();
    in.readUnsignedByte(); // format
    readInt(); // compression
    for (int i = 0; i < 7; i++) {
      readInt();
    }
    readStr();
    readStr();
    readStr();
    int n = readInt();
    List<TocEntry> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int dumpId = readInt();
      boolean hadDumper = readInt() != 0;
      String tableOid = readStr();
      String oid = readStr();
      String tag = readStr();
      String desc = readStr();
      TocEntry.Section section = TocEntry.Section.of(readInt());
      String defn = readStr();
      String drop = readStr();
      String copy = readStr();
      String ns = readStr();
      String ts = readStr();
      String am = readStr();
      String owner = readStr();
      readStr(); // withOids
      List<Integer> deps = new ArrayList<>();
      for (String d = readStr(); d != null; d = readStr()) {
        deps.add(Integer.parseInt(d));
      }
      in.readUnsignedByte();
      in.readNBytes(offSize);
      out.add(
          new TocEntry(
              dumpId, hadDumper, tableOid, oid, tag, desc, section, defn, drop, copy, ns, ts, am, 0,
              owner, deps, null));
    }
    return out;
  }

  private int readInt() throws IOException {
    int sign = in.readUnsignedByte();
    long v = 0;
    for (int i = 0; i < intSize; i++) {
      v |= ((long) in.readUnsignedByte()) << (8 * i);
    }
    return (int) (sign != 0 ? -v : v);
  }

  private String readStr() throws IOException {
    int len = readInt();
    if (len < 0) {
      return null;
    }
    return new String(in.readNBytes(len), StandardCharsets.UTF_8);
  }
}
