package com.avnology.backup.postgres.internal.archive;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes pg_dump's archive primitives to a stream, as {@code WriteInt}, {@code WriteStr} and {@code
 * WriteOffset} in pg_backup_archiver.c do. Not thread-safe.
 */
public final class ArchiveOutput {
  private final OutputStream out;
  private int intSize = 4;
  private int offSize = 8;
  private Charset charset = StandardCharsets.UTF_8;

  /**
   * @param out the stream, written byte by byte: pass a buffered one
   */
  public ArchiveOutput(OutputStream out) {
    this.out = Objects.requireNonNull(out);
  }

  /**
   * Sets the integer width.
   *
   * @param intSize integer width in bytes, as the header says (4 on every platform in use)
   */
  public void intSize(int intSize) {
    this.intSize = intSize;
  }

  /**
   * Sets the offset width.
   *
   * @param offSize offset width in bytes, as the header says (8)
   */
  public void offSize(int offSize) {
    this.offSize = offSize;
  }

  /**
   * Sets the string encoding.
   *
   * @param charset how strings are encoded: the dump's database encoding
   */
  public void charset(Charset charset) {
    this.charset = Objects.requireNonNull(charset);
  }

  /**
   * Writes one byte.
   *
   * @param b a byte value; only the low 8 bits are written
   * @throws IOException on write failure
   */
  public void writeByte(int b) throws IOException {
    out.write(b & 0xFF);
  }

  /**
   * Writes bytes as they are.
   *
   * @param b bytes to write as they are
   * @throws IOException on write failure
   */
  public void writeBytes(byte[] b) throws IOException {
    out.write(b);
  }

  /**
   * {@code WriteInt}: sign byte (1 if negative), then {@code intSize} bytes of the absolute value,
   * least significant first.
   *
   * @param i the value
   * @throws IOException on write failure
   */
  public void writeInt(int i) throws IOException {
    long v = i;
    if (v < 0) {
      writeByte(1);
      v = -v;
    } else {
      writeByte(0);
    }
    for (int b = 0; b < intSize; b++) {
      writeByte((int) (v & 0xFF));
      v >>>= 8;
    }
  }

  /**
   * {@code WriteStr}: byte length as an int, then the bytes, no terminator; null is length -1.
   *
   * @param s the string or null
   * @throws IOException on write failure
   */
  public void writeStr(String s) throws IOException {
    writeStrBytes(s == null ? null : s.getBytes(charset));
  }

  /**
   * Writes a string given as bytes.
   *
   * @param raw a string's bytes, or null
   * @throws IOException on write failure
   */
  public void writeStrBytes(byte[] raw) throws IOException {
    if (raw == null) {
      writeInt(-1);
    } else {
      writeInt(raw.length);
      out.write(raw);
    }
  }

  /**
   * {@code WriteOffset}: the flag byte, then {@code offSize} bytes little-endian.
   *
   * @param offset the offset
   * @throws IOException on write failure
   */
  public void writeOffset(DataOffset offset) throws IOException {
    writeByte(offset.flag());
    long o = offset.position();
    for (int b = 0; b < offSize; b++) {
      writeByte((int) (o & 0xFF));
      o >>>= 8;
    }
  }

  /**
   * Flushes the stream.
   *
   * @throws IOException on failure
   */
  public void flush() throws IOException {
    out.flush();
  }
}
