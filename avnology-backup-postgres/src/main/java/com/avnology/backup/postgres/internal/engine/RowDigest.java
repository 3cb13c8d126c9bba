package com.avnology.backup.postgres.internal.engine;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.zip.CRC32C;

/**
 * A digest of a table's content that does not depend on the order of its rows: COPY text rows (each
 * ending in a newline; newlines inside values are escaped) are hashed one by one (CRC32C and
 * length, mixed to 64 bits) and the hashes summed. The backup records it for every table; a
 * restore's healthcheck, or a test restore, reads the restored table the same way and compares:
 * rows that differ from what the backup saw are found even when every artifact's hash matches.
 * Passes the bytes through unchanged.
 *
 * <p>Not thread-safe.
 */
final class RowDigest extends FilterOutputStream {
  private final CRC32C crc = new CRC32C();
  private long rowLength;
  private long sum;
  private long rows;

  /**
   * @param out where the bytes go on to; may be {@link OutputStream#nullOutputStream()}
   */
  public RowDigest(OutputStream out) {
    super(out);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0a0a0a0a0a0a0a0aL;
  private static final long LOWS = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    int start = off;
    int end = off + len;
    int i = off;
    while (i < end) {
      // eight bytes at a time: the first newline among them, if any (SWAR zero-byte test)
      if (i + 8 <= end) {
        long x = (long) LONGS.get(b, i) ^ NEWLINES;
        long found = (x - LOWS) & ~x & HIGHS;
        if (found == 0) {
          i += 8;
          continue;
        }
        i += Long.numberOfTrailingZeros(found) >>> 3;
      } else if (b[i] != '\n') {
        i++;
        continue;
      }
      crc.update(b, start, i - start);
      rowLength += i - start;
      sum += mix(crc.getValue() ^ (rowLength << 32));
      rows++;
      crc.reset();
      rowLength = 0;
      i++;
      start = i;
    }
    if (start < end) {
      crc.update(b, start, end - start);
      rowLength += end - start;
    }
    out.write(b, off, len);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }

  /** {@return the rows seen so far} */
  public long rows() {
    return rows;
  }

  /** {@return the digest as the manifest records it: {@code rowsum1:<16 hex digits>}} */
  public String value() {
    // not String.format: a Formatter per table cost more than the digest of a small table
    return "rowsum1:" + HexFormat.of().toHexDigits(sum);
  }
}
