package com.avnology.backup.postgres.internal.archive;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import org.apache.commons.compress.compressors.lz4.XXHash32;

/**
 * Writes one LZ4 frame (lz4 frame format 1.6: independent 64 KiB blocks, content checksum), as
 * pg_dump 16+ writes {@code .lz4} data files. The block compressor is a greedy single-hash matcher
 * in the style of LZ4's fast mode; commons-compress's own LZ4 writer was measured at about 20 KB/s
 * on COPY-like text, too slow for table data. Any LZ4 frame decoder reads the output (lz4 CLI,
 * liblz4's {@code LZ4F_decompress}, commons-compress). Not thread-safe.
 */
public final class Lz4FrameOutputStream extends FilterOutputStream {
  private static final int BLOCK = 64 * 1024;
  private static final int HASH_BITS = 14;
  private static final int MIN_MATCH = 4;
  private static final int LAST_LITERALS = 5;
  private static final int MF_LIMIT = 12;

  private final byte[] block = new byte[BLOCK];
  private final byte[] packed = new byte[BLOCK + BLOCK / 255 + 64];
  private final int[] table = new int[1 << HASH_BITS];

  // commons-compress deprecates its XXHash32 for commons-codec's (the same algorithm), a library
  // this module does not otherwise need
  @SuppressWarnings("deprecation")
  private final XXHash32 contentHash = new XXHash32();

  private int filled;
  private boolean closed;

  /**
   * @param out where the frame goes; written on construction (frame header)
   * @throws IOException on write failure
   */
  @SuppressWarnings("deprecation") // XXHash32, as above
  public Lz4FrameOutputStream(OutputStream out) throws IOException {
    super(out);
    // magic 0x184D2204; FLG: version 01, block independence, content checksum; BD: 64 KiB
    byte[] descriptor = {0x64, 0x40};
    XXHash32 hc = new XXHash32();
    hc.update(descriptor, 0, 2);
    out.write(
        new byte[] {
          0x04, 0x22, 0x4D, 0x18, descriptor[0], descriptor[1], (byte) (hc.getValue() >>> 8)
        });
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    contentHash.update(b, off, len);
    while (len > 0) {
      int n = Math.min(len, BLOCK - filled);
      System.arraycopy(b, off, block, filled, n);
      filled += n;
      off += n;
      len -= n;
      if (filled == BLOCK) {
        writeBlock();
      }
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (filled > 0) {
        writeBlock();
      }
      writeIntLe(0); // end mark
      writeIntLe((int) contentHash.getValue());
      out.flush();
    } finally {
      out.close();
    }
  }

  private void writeBlock() throws IOException {
    int size = compress(block, filled, packed);
    if (size >= filled) {
      writeIntLe(filled | 0x80000000); // stored uncompressed
      out.write(block, 0, filled);
    } else {
      writeIntLe(size);
      out.write(packed, 0, size);
    }
    filled = 0;
  }

  private void writeIntLe(int v) throws IOException {
    out.write(new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
  }

  /** LZ4 block format; returns the compressed size. */
  private int compress(byte[] src, int len, byte[] dst) {
    int op = 0;
    int anchor = 0;
    if (len > MF_LIMIT) {
      Arrays.fill(table, -1);
      int ip = 0;
      int misses = 0;
      int searchEnd = len - MF_LIMIT;
      int matchEnd = len - LAST_LITERALS;
      while (ip < searchEnd) {
        int seq = intAt(src, ip);
        int h = (seq * -1640531535) >>> (32 - HASH_BITS);
        int ref = table[h];
        table[h] = ip;
        if (ref < 0 || ip - ref > 65535 || intAt(src, ref) != seq) {
          ip += 1 + (misses++ >> 6);
          continue;
        }
        misses = 0;
        int ml = MIN_MATCH;
        while (ip + ml < matchEnd && src[ref + ml] == src[ip + ml]) {
          ml++;
        }
        op = sequence(src, anchor, ip - anchor, dst, op, ip - ref, ml);
        ip += ml;
        anchor = ip;
      }
    }
    return sequence(src, anchor, len - anchor, dst, op, 0, 0);
  }

  /** Writes one sequence; a match length of 0 means the final, literals-only one. */
  private static int sequence(
      byte[] src, int lit, int litLen, byte[] dst, int op, int offset, int matchLen) {
    int token = op++;
    int ml = matchLen == 0 ? 0 : matchLen - MIN_MATCH;
    dst[token] = (byte) ((Math.min(litLen, 15) << 4) | Math.min(ml, 15));
    op = length(dst, op, litLen);
    System.arraycopy(src, lit, dst, op, litLen);
    op += litLen;
    if (matchLen > 0) {
      dst[op++] = (byte) offset;
      dst[op++] = (byte) (offset >>> 8);
      op = length(dst, op, ml);
    }
    return op;
  }

  private static int length(byte[] dst, int op, int n) {
    if (n >= 15) {
      n -= 15;
      while (n >= 255) {
        dst[op++] = (byte) 255;
        n -= 255;
      }
      dst[op++] = (byte) n;
    }
    return op;
  }

  private static int intAt(byte[] b, int i) {
    return (b[i] & 0xFF) | (b[i + 1] & 0xFF) << 8 | (b[i + 2] & 0xFF) << 16 | b[i + 3] << 24;
  }
}
