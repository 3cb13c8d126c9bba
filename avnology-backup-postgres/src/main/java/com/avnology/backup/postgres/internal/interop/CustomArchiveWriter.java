package com.avnology.backup.postgres.internal.interop;

import com.avnology.backup.postgres.internal.archive.ArchiveHeader;
import com.avnology.backup.postgres.internal.archive.ArchiveOutput;
import com.avnology.backup.postgres.internal.archive.ArchiveVersion;
import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.avnology.backup.postgres.internal.archive.DataOffset;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocFile;
import com.avnology.backup.postgres.internal.archive.TocWriter;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;

/**
 * Writes custom-format archives ({@code .dump}, what {@code pg_dump -Fc} writes) in archive version
 * 1.14, which pg_restore 12 and later read, with gzip or no compression. As pg_dump's {@code
 * _CloseArchive} does: header and TOC with data offsets unset, then one data block per entry with
 * data in TOC order, then, when the output can seek, the TOC again with the offsets set (same
 * length: offsets have fixed width). On an output that cannot seek the offsets stay unset and
 * readers find the blocks by scanning. Stateless and thread-safe.
 */
public final class CustomArchiveWriter {
  private static final int CHUNK = 64 * 1024;
  private static final int BLK_DATA = 1;
  private static final int BLK_BLOBS = 3;
  private static final DataOffset NOT_SET = new DataOffset(DataOffset.POS_NOT_SET, 0);

  private CustomArchiveWriter() {}

  /** Supplies an entry's data: the raw COPY text, ending with pg_dump's {@code \.} line. */
  @FunctionalInterface
  public interface EntryData {
    /**
     * {@return its uncompressed data; the writer closes it}
     *
     * @param entry an entry with a data file name
     * @throws IOException if it cannot be read
     */
    InputStream open(TocEntry entry) throws IOException;

    /**
     * Streams a BLOBS entry's large objects; by default from a directory archive's blobs.toc, each
     * object's file opened through {@link #open} as if it were the entry's data file.
     *
     * @param blobs the BLOBS entry
     * @param sink receives each object
     * @throws IOException if they cannot be read
     */
    default void largeObjects(TocEntry blobs, ArchiveSource.LargeObjectSink sink)
        throws IOException, java.sql.SQLException {
      EntryData self = this;
      new ArchiveSource() {
        @Override
        public InputStream openToc() {
          throw new UnsupportedOperationException();
        }

        @Override
        public InputStream openData(String file) throws IOException {
          return self.open(
              new TocEntry(
                  blobs.dumpId(),
                  true,
                  blobs.tableOid(),
                  blobs.oid(),
                  blobs.tag(),
                  blobs.desc(),
                  blobs.section(),
                  blobs.defn(),
                  blobs.dropStmt(),
                  blobs.copyStmt(),
                  blobs.namespace(),
                  blobs.tablespace(),
                  blobs.tableAm(),
                  blobs.relkind(),
                  blobs.owner(),
                  blobs.dependencies(),
                  file));
        }

        @Override
        public String describe() {
          return "large objects of entry " + blobs.dumpId();
        }
      }.largeObjects(blobs, sink);
    }
  }

  /** An archive's data, large objects included, in whatever form it holds them. */
  private static EntryData dataOf(ArchiveSource from) {
    return new EntryData() {
      @Override
      public InputStream open(TocEntry entry) throws IOException {
        return from.openData(entry.dataFile());
      }

      @Override
      public void largeObjects(TocEntry blobs, ArchiveSource.LargeObjectSink sink)
          throws IOException, java.sql.SQLException {
        from.largeObjects(blobs, sink);
      }
    };
  }

  /**
   * Converts any archive (a directory archive, one of our backups, a tar or custom archive) into a
   * custom-format file, offsets set.
   *
   * @param from the archive
   * @param to the file to create or replace
   * @param compression {@link CompressionAlgorithm#NONE} or {@link CompressionAlgorithm#GZIP}
   *     (default level)
   * @throws IOException on read or write failure
   * @throws IllegalArgumentException for another compression
   */
  public static void convert(ArchiveSource from, Path to, CompressionAlgorithm compression)
      throws IOException {
    convert(from, to, compression, ArchiveVersion.V1_14);
  }

  /**
   * Converts any archive into a custom-format file (archive 1.14), offsets set, at a gzip level.
   *
   * @param from the archive
   * @param to the file to create or replace
   * @param compression {@link CompressionAlgorithm#NONE} or {@link CompressionAlgorithm#GZIP}
   * @param level gzip level 1–9, or -1 for the default
   * @throws IOException on read or write failure
   * @throws IllegalArgumentException for another compression, a bad level or an archive with large
   *     objects
   */
  public static void convert(
      ArchiveSource from, Path to, CompressionAlgorithm compression, int level) throws IOException {
    convert(from, to, customToc(from.toc(), compression, level, ArchiveVersion.V1_14));
  }

  /**
   * Converts any archive into a custom-format file of a given archive version: 1.14 takes gzip or
   * none (pg_restore 12+); 1.15 and 1.16 also take lz4 and zstd (pg_restore 16+ / 17+).
   *
   * @param from the archive
   * @param to the file to create or replace
   * @param compression the data compression
   * @param version 1.14, 1.15 or 1.16
   * @throws IOException on read or write failure
   */
  public static void convert(
      ArchiveSource from, Path to, CompressionAlgorithm compression, ArchiveVersion version)
      throws IOException {
    convert(from, to, customToc(from.toc(), compression, -1, version));
  }

  private static void convert(ArchiveSource from, Path to, TocFile custom) throws IOException {
    try (FileChannel out =
        FileChannel.open(
            to,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      write(custom, dataOf(from), out);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(to);
      throw e;
    }
  }

  /**
   * Converts any archive into a custom-format stream; data offsets stay unset.
   *
   * @param from the archive
   * @param to where to write; flushed, not closed
   * @param compression {@link CompressionAlgorithm#NONE} or {@link CompressionAlgorithm#GZIP}
   * @throws IOException on read or write failure
   * @throws IllegalArgumentException for another compression
   */
  public static void convert(ArchiveSource from, OutputStream to, CompressionAlgorithm compression)
      throws IOException {
    convert(from, to, compression, -1);
  }

  /**
   * Converts any archive into a custom-format stream at a gzip level; data offsets stay unset.
   *
   * @param from the archive
   * @param to where to write; flushed, not closed
   * @param compression {@link CompressionAlgorithm#NONE} or {@link CompressionAlgorithm#GZIP}
   * @param level gzip level 1–9, or -1 for the default
   * @throws IOException on read or write failure
   */
  public static void convert(
      ArchiveSource from, OutputStream to, CompressionAlgorithm compression, int level)
      throws IOException {
    write(from.toc(), dataOf(from), to, compression, level);
  }

  /**
   * Writes a custom archive to a seekable file from its current position, data offsets set.
   *
   * @param toc the entries (any header: the custom one is derived from it)
   * @param data each data entry's content
   * @param out the file
   * @param compression {@link CompressionAlgorithm#NONE} or {@link CompressionAlgorithm#GZIP}
   * @param level gzip level 1–9, or -1 for the default
   * @throws IOException on failure
   * @throws IllegalArgumentException for another compression
   */
  public static void write(
      TocFile toc, EntryData data, FileChannel out, CompressionAlgorithm compression, int level)
      throws IOException {
    TocFile custom = customToc(toc, compression, level, ArchiveVersion.V1_14);
    write(custom, data, out);
  }

  private static void write(TocFile custom, EntryData data, FileChannel out) throws IOException {
    long start = out.position();
    Map<Integer, DataOffset> offsets = unset(custom);
    byte[] first = tocBytes(custom, offsets);
    Counting counting =
        new Counting(new BufferedOutputStream(Channels.newOutputStream(out), CHUNK), start);
    counting.write(first);
    writeData(custom, data, counting, offsets);
    counting.flush();
    byte[] second = tocBytes(custom, offsets);
    if (second.length != first.length) {
      throw new IllegalStateException(
          "rewritten TOC has " + second.length + " bytes, not " + first.length);
    }
    ByteBuffer buf = ByteBuffer.wrap(second);
    for (long at = start; buf.hasRemaining(); ) {
      at += out.write(buf, at);
    }
  }

  /**
   * Writes a custom archive to a stream, data offsets unset, as pg_dump does into a pipe.
   *
   * @param toc the entries (any header: the custom one is derived from it)
   * @param data each data entry's content
   * @param out where to write; flushed, not closed
   * @param compression {@link CompressionAlgorithm#NONE} or {@link CompressionAlgorithm#GZIP}
   * @param level gzip level 1–9, or -1 for the default
   * @throws IOException on failure
   * @throws IllegalArgumentException for another compression
   */
  public static void write(
      TocFile toc, EntryData data, OutputStream out, CompressionAlgorithm compression, int level)
      throws IOException {
    TocFile custom = customToc(toc, compression, level, ArchiveVersion.V1_14);
    Map<Integer, DataOffset> offsets = unset(custom);
    Counting counting = new Counting(new BufferedOutputStream(out, CHUNK), 0);
    counting.write(tocBytes(custom, offsets));
    writeData(custom, data, counting, offsets);
    counting.flush();
  }

  private static TocFile customToc(
      TocFile toc, CompressionAlgorithm compression, int level, ArchiveVersion version) {
    Objects.requireNonNull(compression, "null compression");
    if (!version.atLeast(ArchiveVersion.V1_15)
        && compression != CompressionAlgorithm.NONE
        && compression != CompressionAlgorithm.GZIP) {
      throw new IllegalArgumentException(
          "custom archives are written with gzip or no"
              + " compression (archive 1.14, for pg_restore 12+), not "
              + compression);
    }
    if (level < -1 || level > 9) {
      throw new IllegalArgumentException("gzip level must be -1 (default) or 0-9: " + level);
    }
    ArchiveHeader h = toc.header();
    int lvl = compression == CompressionAlgorithm.NONE ? 0 : level == 0 ? -1 : level;
    ArchiveHeader header =
        new ArchiveHeader(
            version,
            4,
            8,
            ArchiveHeader.FORMAT_CUSTOM,
            compression,
            lvl,
            h.created(),
            h.databaseName(),
            h.serverVersion(),
            h.dumpVersion());
    return new TocFile(header, toc.entries());
  }

  private static boolean hasData(TocEntry e) {
    return e.dataFile() != null && !e.dataFile().isEmpty();
  }

  private static Map<Integer, DataOffset> unset(TocFile toc) {
    Map<Integer, DataOffset> offsets = new LinkedHashMap<>();
    for (TocEntry e : toc.entries()) {
      if (hasData(e)) {
        offsets.put(e.dumpId(), NOT_SET);
      }
    }
    return offsets;
  }

  private static byte[] tocBytes(TocFile toc, Map<Integer, DataOffset> offsets) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    TocWriter.writeCustom(toc, offsets, buf);
    return buf.toByteArray();
  }

  private static void writeData(
      TocFile toc, EntryData data, Counting out, Map<Integer, DataOffset> offsets)
      throws IOException {
    ArchiveOutput ints = new ArchiveOutput(out);
    for (TocEntry e : toc.entries()) {
      if (!hasData(e)) {
        continue;
      }
      offsets.put(e.dumpId(), new DataOffset(DataOffset.POS_SET, out.count));
      if (e.desc().equals("BLOBS")) {
        writeLargeObjects(toc, e, data, out, ints);
        continue;
      }
      ints.writeByte(BLK_DATA);
      ints.writeInt(e.dumpId());
      try (InputStream in = data.open(e)) {
        writeItem(toc, in, out, ints);
      }
    }
  }

  /**
   * A BLOBS entry's block ({@code _StartLOs} … {@code _EndLOs}): for each object, its oid and its
   * own compressed stream of chunks; oid 0 ends it.
   */
  private static void writeLargeObjects(
      TocFile toc, TocEntry e, EntryData data, Counting out, ArchiveOutput ints)
      throws IOException {
    ints.writeByte(BLK_BLOBS);
    ints.writeInt(e.dumpId());
    try {
      data.largeObjects(
          e,
          (oid, in) -> {
            // an oid is unsigned; WriteInt writes it as a C int, sign and magnitude
            ints.writeInt((int) oid);
            writeItem(toc, in, out, ints);
          });
    } catch (java.sql.SQLException x) {
      throw new IOException(x);
    }
    ints.writeInt(0);
  }

  /**
   * One data item: its bytes compressed as one stream, in chunks, ended by a 0 length; {@code in}
   * is read to its end, not closed.
   */
  private static void writeItem(TocFile toc, InputStream in, Counting out, ArchiveOutput ints)
      throws IOException {
    CompressionAlgorithm algorithm = toc.header().compression();
    boolean gzip = algorithm == CompressionAlgorithm.GZIP;
    Chunks chunks = new Chunks(out, ints);
    if (gzip) {
      Deflater deflater = new Deflater(toc.header().compressionLevel());
      try {
        DeflaterOutputStream z = new DeflaterOutputStream(chunks, deflater, CHUNK);
        in.transferTo(z);
        z.finish();
      } finally {
        deflater.end();
      }
    } else if (algorithm == CompressionAlgorithm.ZSTD) {
      // one zstd frame per data item (compress_zstd.c)
      try (OutputStream z = new com.github.luben.zstd.ZstdOutputStream(new Unclosing(chunks))) {
        in.transferTo(z);
      }
    } else if (algorithm == CompressionAlgorithm.LZ4) {
      // one LZ4 frame per data item (compress_lz4.c)
      try (OutputStream z =
          new com.avnology.backup.postgres.internal.archive.Lz4FrameOutputStream(
              new Unclosing(chunks))) {
        in.transferTo(z);
      }
    } else {
      in.transferTo(chunks);
    }
    chunks.end();
  }

  /** Lets a compressor finish its frame without ending the data block. */
  private static final class Unclosing extends FilterOutputStream {
    Unclosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }

  /** Counts bytes written, to know each data block's position. */
  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out, long start) {
      super(out);
      this.count = start;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }

  /** Buffers a data item's bytes into chunks of (int length, bytes); {@link #end} writes 0. */
  private static final class Chunks extends OutputStream {
    private final OutputStream out;
    private final ArchiveOutput ints;
    private final byte[] buf = new byte[CHUNK];
    private int used;

    Chunks(OutputStream out, ArchiveOutput ints) {
      this.out = out;
      this.ints = ints;
    }

    @Override
    public void write(int b) throws IOException {
      if (used == buf.length) {
        emit();
      }
      buf[used++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (used == buf.length) {
          emit();
        }
        int n = Math.min(len, buf.length - used);
        System.arraycopy(b, off, buf, used, n);
        used += n;
        off += n;
        len -= n;
      }
    }

    private void emit() throws IOException {
      if (used > 0) {
        ints.writeInt(used);
        out.write(buf, 0, used);
        used = 0;
      }
    }

    void end() throws IOException {
      emit();
      ints.writeInt(0);
    }
  }
}
