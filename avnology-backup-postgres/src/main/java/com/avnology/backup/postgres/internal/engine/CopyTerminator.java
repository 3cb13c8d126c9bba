package com.avnology.backup.postgres.internal.engine;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * pg_dump ends every COPY data file with the end-of-data line {@code \.} followed by blank lines
 * ({@code "\\.\n\n\n"}); pg_restore sends it to the server, and a plain-text script made from the
 * archive needs it. We write it the same way, and strip it when loading over JDBC so that no server
 * version's COPY handling of {@code \.} matters.
 */
public final class CopyTerminator {
  /** What pg_dump writes after the last row. */
  public static final byte[] BYTES = "\\.\n\n\n".getBytes(StandardCharsets.US_ASCII);

  private CopyTerminator() {}

  /**
   * Writes the end-of-data marker.
   *
   * @param out a data file's stream
   * @throws IOException on write failure
   */
  public static void write(OutputStream out) throws IOException {
    out.write(BYTES);
  }

  /**
   * {@return the same text without a final {@code \.} line and the blank lines after it}
   *
   * @param in a data file's COPY text
   */
  public static InputStream strip(InputStream in) {
    return new Stripping(in, 64 * 1024);
  }

  /**
   * {@return the same text without a final {@code \.} line and the blank lines after it}
   *
   * @param in a data file's COPY text
   * @param buffer how many bytes to read at a time
   */
  public static InputStream strip(InputStream in, int buffer) {
    return new Stripping(in, buffer);
  }

  /** Holds back the last bytes until it knows whether they are the terminator. */
  private static final class Stripping extends FilterInputStream {
    private static final int HOLD = BYTES.length + 1;
    private byte[] pending;
    private int count;
    private int released;
    private boolean eof;
    private boolean atStart = true;

    Stripping(InputStream in, int buffer) {
      super(in);
      pending = new byte[Math.max(1, buffer) + HOLD];
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (true) {
        int available = releasable();
        if (available > 0) {
          int n = Math.min(len, available);
          System.arraycopy(pending, released, b, off, n);
          released += n;
          return n;
        }
        if (eof) {
          return -1;
        }
        fill();
      }
    }

    private int releasable() {
      return eof ? count - released : Math.max(0, count - HOLD - released);
    }

    private void fill() throws IOException {
      if (released > 0) {
        atStart = atStart && released == 0;
        System.arraycopy(pending, released, pending, 0, count - released);
        count -= released;
        released = 0;
        atStart = false;
      }
      if (count == pending.length) {
        pending = Arrays.copyOf(pending, pending.length * 2);
      }
      int n = in.read(pending, count, pending.length - count);
      if (n < 0) {
        eof = true;
        trimTerminator();
      } else {
        count += n;
      }
    }

    private void trimTerminator() {
      int end = count;
      while (end > 0 && pending[end - 1] == '\n') {
        end--;
      }
      if (end >= 2 && pending[end - 1] == '.' && pending[end - 2] == '\\') {
        int start = end - 2;
        boolean lineStart = start == 0 ? atStart : pending[start - 1] == '\n';
        if (lineStart && count - end >= 1) {
          count = start;
        }
      }
    }
  }
}
