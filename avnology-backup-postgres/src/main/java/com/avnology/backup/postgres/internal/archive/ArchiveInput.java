package com.avnology.backup.postgres.internal.archive;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Reads pg_dump's archive primitives from a stream, as {@code ReadInt}, {@code ReadStr} and {@code
 * ReadOffset} in pg_backup_archiver.c do. A premature end of input raises {@link EOFException};
 * values pg_dump never writes raise {@link ArchiveFormatException}. Not thread-safe.
 */
public final class ArchiveInput {
  /** Longest string accepted (PostgreSQL's own limit for a text value is 1 GB). */
  static final int MAX_STRING = 1 << 30;

  private final InputStream in;
  private int intSize = 4;
  private int offSize = 8;
  private Charset charset = StandardCharsets.UTF_8;
  private long position;

  /**
   * @param in the stream, read unbuffered byte by byte: pass a buffered one
   */
  public ArchiveInput(InputStream in) {
    this.in = Objects.requireNonNull(in);
  }

  /**
   * Sets the integer width.
   *
   * @param intSize the header's integer width in bytes (1–8)
   */
  public void intSize(int intSize) {
    this.intSize = intSize;
  }

  /**
   * Sets the offset width.
   *
   * @param offSize the header's offset width in bytes (1–32)
   */
  public void offSize(int offSize) {
    this.offSize = offSize;
  }

  /**
   * Sets the string encoding.
   *
   * @param charset how strings are decoded
   */
  public void charset(Charset charset) {
    this.charset = Objects.requireNonNull(charset);
  }

  /** {@return bytes consumed so far} */
  public long position() {
    return position;
  }

  /**
   * {@return the next byte, 0–255}
   *
   * @throws EOFException at end of input
   * @throws IOException on read failure
   */
  public int readByte() throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("end of file at byte " + position);
    }
    position++;
    return b;
  }

  /**
   * {@return exactly {@code n} bytes}
   *
   * @param n how many bytes
   * @throws IOException on failure or end of input
   */
  public byte[] readBytes(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    position += b.length;
    if (b.length < n) {
      throw new EOFException("end of file at byte " + position + ", " + n + " bytes wanted");
    }
    return b;
  }

  /**
   * Skips bytes.
   *
   * @param n how many bytes to pass over
   * @throws IOException on failure or end of input
   */
  public void skip(long n) throws IOException {
    try {
      in.skipNBytes(n);
    } catch (EOFException e) {
      throw new EOFException("end of file after byte " + position + ", skipping " + n + " bytes");
    }
    position += n;
  }

  /**
   * {@code ReadInt}: a sign byte, then {@code intSize} bytes of magnitude, least significant first.
   *
   * @return the value
   * @throws IOException on failure, end of input, or a value that does not fit an int
   */
  public int readInt() throws IOException {
    int sign = readByte();
    if (sign > 1) {
      throw new ArchiveFormatException(
          "bad integer sign byte " + sign + " at byte " + (position - 1));
    }
    long magnitude = 0;
    boolean tooLarge = false;
    for (int b = 0; b < intSize; b++) {
      long bv = readByte();
      if (b < 8) {
        magnitude |= bv << (8 * b);
      } else if (bv != 0) {
        tooLarge = true;
      }
    }
    if (tooLarge || magnitude < 0 || magnitude > Integer.MAX_VALUE) {
      throw new ArchiveFormatException("integer too large, ending at byte " + position);
    }
    return (int) (sign == 1 ? -magnitude : magnitude);
  }

  /**
   * {@code ReadStr}: an int length, then that many bytes; length -1 is NULL.
   *
   * @return the string, or null
   * @throws IOException on failure, end of input or a bad length
   */
  public String readStr() throws IOException {
    byte[] raw = readStrBytes();
    return raw == null ? null : new String(raw, charset);
  }

  /**
   * {@return the raw bytes of a string, or null}
   *
   * @throws IOException on failure, end of input or a bad length
   */
  public byte[] readStrBytes() throws IOException {
    long at = position;
    int len = readInt();
    if (len == -1) {
      return null;
    }
    if (len < 0 || len > MAX_STRING) {
      throw new ArchiveFormatException("bad string length " + len + " at byte " + at);
    }
    return readBytes(len);
  }

  /**
   * {@code ReadOffset}: a flag byte, then {@code offSize} bytes little-endian.
   *
   * @return the offset
   * @throws IOException on failure, end of input, a bad flag or a too-large offset
   */
  public DataOffset readOffset() throws IOException {
    int flag = readByte();
    if (flag < DataOffset.POS_NOT_SET || flag > DataOffset.NO_DATA) {
      throw new ArchiveFormatException(
          "unexpected data offset flag " + flag + " at byte " + (position - 1));
    }
    long value = 0;
    for (int off = 0; off < offSize; off++) {
      long bv = readByte();
      if (off < 8) {
        value |= bv << (off * 8);
      } else if (bv != 0) {
        throw new ArchiveFormatException("file offset in dump file is too large");
      }
    }
    return new DataOffset(flag, value);
  }
}
