package com.avnology.backup.postgres.internal.interop;

import com.avnology.backup.postgres.internal.archive.ArchiveFormatException;
import com.avnology.backup.postgres.internal.archive.ArchiveInput;
import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.github.luben.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

/**
 * The body of a custom archive's data block: chunks of (int length, bytes), a length of 0 ending it
 * ({@code _CustomReadFunc} in pg_backup_custom.c), the concatenated bytes being one compressed
 * stream: zlib for gzip ({@code compress_gzip.c} uses {@code deflateInit}, not gzip framing), one
 * LZ4 frame, one zstd frame, or raw bytes. Every failure is reported as an {@link
 * ArchiveFormatException} naming the entry. Not thread-safe.
 */
final class DataChunks extends InputStream {
  static final int BLK_DATA = 1;
  static final int BLK_BLOBS = 3;

  private final ArchiveInput in;
  private final InputStream closeable;
  private int left;
  private boolean done;

  private DataChunks(ArchiveInput in, InputStream closeable) {
    this.in = in;
    this.closeable = closeable;
  }

  /**
   * @param in positioned at the first chunk length
   * @param closeable what closing the result closes
   * @param compression the archive's data compression
   * @param entry the entry, for messages ({@code entry 3344 (TABLE DATA public a)})
   * @return the decompressed data
   * @throws IOException if the decompressor cannot start
   */
  static InputStream open(
      ArchiveInput in, InputStream closeable, CompressionAlgorithm compression, String entry)
      throws IOException {
    DataChunks chunks = new DataChunks(in, closeable);
    return decompressed(chunks, compression, entry);
  }

  private static InputStream decompressed(
      DataChunks chunks, CompressionAlgorithm compression, String entry) throws IOException {
    InputStream raw = new Labelled(chunks, entry);
    InputStream data =
        switch (compression) {
          case NONE -> raw;
          case GZIP ->
              new InflaterInputStream(raw, new Inflater(), 65536) {
                @Override
                public void close() throws IOException {
                  inf.end();
                  super.close();
                }
              };
          case LZ4 -> new FramedLZ4CompressorInputStream(raw);
          case ZSTD -> new ZstdInputStream(raw);
        };
    return new Labelled(new BufferedInputStream(data, 65536), entry);
  }

  /** Receives one large object of a {@code BLK_BLOBS} block. */
  @FunctionalInterface
  interface BlobSink {
    void accept(long oid, InputStream data) throws IOException, java.sql.SQLException;
  }

  /**
   * Reads a large-object block's items ({@code _LoadLOs}): (oid, its own compressed chunk stream)
   * until oid 0.
   *
   * @param in positioned after the block header
   * @param compression the archive's data compression
   * @param entry the entry, for messages
   * @param sink receives each object; what it leaves unread is skipped
   */
  static void readBlobs(
      ArchiveInput in, CompressionAlgorithm compression, String entry, BlobSink sink)
      throws IOException, java.sql.SQLException {
    InputStream keepOpen = InputStream.nullInputStream();
    // WriteInt of an unsigned oid: read back as an int, its bits are the oid
    for (long oid = in.readInt() & 0xFFFFFFFFL; oid != 0; oid = in.readInt() & 0xFFFFFFFFL) {
      DataChunks chunks = new DataChunks(in, keepOpen);
      try (InputStream data = decompressed(chunks, compression, entry + " large object " + oid)) {
        sink.accept(oid, data);
        data.transferTo(java.io.OutputStream.nullOutputStream());
      }
      // a compressed stream may end before its chunks' terminating 0
      chunks.transferTo(java.io.OutputStream.nullOutputStream());
    }
  }

  /**
   * Passes over the chunks of one data item.
   *
   * @param in positioned at the first chunk length
   * @throws IOException on failure or end of input
   */
  static void skip(ArchiveInput in) throws IOException {
    for (int len = in.readInt(); len != 0; len = in.readInt()) {
      if (len < 0) {
        throw new ArchiveFormatException("bad data chunk length " + len);
      }
      in.skip(len);
    }
  }

  /**
   * Passes over a large-object block's items: (oid, chunks) until oid 0.
   *
   * @param in positioned after the block header
   * @throws IOException on failure or end of input
   */
  static void skipBlobs(ArchiveInput in) throws IOException {
    for (int oid = in.readInt(); oid != 0; oid = in.readInt()) {
      skip(in);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    while (left == 0) {
      if (done) {
        return -1;
      }
      int next = in.readInt();
      if (next < 0) {
        throw new ArchiveFormatException(
            "bad data chunk length " + next + " at byte " + in.position());
      }
      if (next == 0) {
        done = true;
        return -1;
      }
      left = next;
    }
    byte[] chunk = in.readBytes(Math.min(len, left));
    System.arraycopy(chunk, 0, b, off, chunk.length);
    left -= chunk.length;
    return chunk.length;
  }

  @Override
  public void close() throws IOException {
    closeable.close();
  }

  /** Rewrites read failures into messages naming the entry. */
  private static final class Labelled extends FilterInputStream {
    private final String entry;

    Labelled(InputStream in, String entry) {
      super(in);
      this.entry = entry;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw label(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw label(e);
      }
    }

    private IOException label(IOException e) {
      if (e instanceof ArchiveFormatException && e.getMessage().startsWith("data of ")) {
        return e;
      }
      String what = e instanceof EOFException ? "truncated" : "corrupt";
      return new ArchiveFormatException(
          "data of " + entry + " is " + what + ": " + e.getMessage(), e);
    }
  }
}
