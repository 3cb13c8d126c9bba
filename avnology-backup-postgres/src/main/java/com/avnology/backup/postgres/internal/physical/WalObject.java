package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.Compression;
import com.avnology.backup.IntegrityException;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The stored form of one WAL file: a zstd skippable frame holding the SHA-256 of the uncompressed
 * file, then the file as zstd frames. The result is a valid {@code .zst} file ({@code zstd -d}
 * skips the first frame), and its hash can be read without decompressing it. Stateless.
 */
public final class WalObject {
  private static final int SKIPPABLE_MAGIC = 0x184D2A5A;
  private static final byte[] TAG = {'A', 'V', 'W', '1'};
  private static final int HEADER = 8 + TAG.length + 32;

  private WalObject() {}

  /**
   * {@return its SHA-256}
   *
   * @param file a WAL file
   * @throws IOException if it cannot be read
   */
  public static byte[] sha256(Path file) throws IOException {
    return sha256(file, Long.MAX_VALUE);
  }

  /**
   * {@return the SHA-256 of its first {@code length} bytes (fewer if it is shorter)}
   *
   * @param file a WAL file
   * @param length how many of its first bytes to hash
   * @throws IOException if it cannot be read
   */
  public static byte[] sha256(Path file, long length) throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in = new DigestInputStream(bounded(file, length), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return digest.digest();
  }

  /**
   * {@return a stream of its first {@code length} bytes}
   *
   * @param file a file
   * @param length how many of its first bytes to read
   * @throws IOException if it cannot be opened
   */
  public static InputStream bounded(Path file, long length) throws IOException {
    InputStream in = Files.newInputStream(file);
    return length == Long.MAX_VALUE ? in : new BoundedInputStream(in, length);
  }

  /**
   * Writes the stored form of {@code file} to {@code out}, then closes {@code out}.
   *
   * @param file the WAL file
   * @param sha256 its SHA-256, from {@link #sha256(Path)}
   * @param compression the zstd compression to use
   * @param out where the stored form goes
   * @throws IOException if reading or writing fails
   */
  public static void write(Path file, byte[] sha256, Compression compression, OutputStream out)
      throws IOException {
    write(file, Long.MAX_VALUE, sha256, compression, out);
  }

  /**
   * Writes the stored form of the first {@code length} bytes of {@code file} to {@code out}, then
   * closes {@code out}.
   *
   * @param file the WAL file
   * @param length how many of its first bytes to store
   * @param sha256 their SHA-256, from {@link #sha256(Path, long)}
   * @param compression the zstd compression to use
   * @param out where the stored form goes
   * @throws IOException if reading or writing fails
   */
  public static void write(
      Path file, long length, byte[] sha256, Compression compression, OutputStream out)
      throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER).order(ByteOrder.LITTLE_ENDIAN);
    header.putInt(SKIPPABLE_MAGIC).putInt(TAG.length + 32).put(TAG).put(sha256);
    out.write(header.array());
    try (OutputStream zstd = compression.compress(out);
        InputStream in = bounded(file, length)) {
      in.transferTo(zstd);
    }
  }

  /**
   * {@return the SHA-256 its header records}
   *
   * @param stored the stored form's bytes, positioned at its start
   * @throws IntegrityException if the header is not ours
   */
  public static byte[] readHash(InputStream stored) throws IOException {
    byte[] header = new byte[HEADER];
    try {
      new DataInputStream(stored).readFully(header);
    } catch (EOFException e) {
      throw new IntegrityException("stored WAL file is truncated (" + e + ")", e);
    }
    ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    byte[] tag = Arrays.copyOfRange(header, 8, 8 + TAG.length);
    if (b.getInt(0) != SKIPPABLE_MAGIC
        || b.getInt(4) != TAG.length + 32
        || !Arrays.equals(tag, TAG)) {
      throw new IntegrityException(
          "stored WAL file does not start with this library's header:"
              + " it was not written by wal-push, or is damaged");
    }
    return Arrays.copyOfRange(header, 8 + TAG.length, HEADER);
  }

  /**
   * Decompresses the rest of {@code stored} (after {@link #readHash}) into {@code out}, checking it
   * against {@code expected}.
   *
   * @param stored the stored form after its header
   * @param expected the SHA-256 from the header
   * @param out where the WAL file's bytes go
   * @param what names the file in messages
   * @throws IntegrityException if the hash differs
   */
  public static void decompress(InputStream stored, byte[] expected, OutputStream out, String what)
      throws IOException {
    MessageDigest digest = newDigest();
    try (InputStream in =
        new DigestInputStream(Compression.decompress(Compression.Algorithm.ZSTD, stored), digest)) {
      in.transferTo(out);
    }
    byte[] actual = digest.digest();
    if (!MessageDigest.isEqual(actual, expected)) {
      throw new IntegrityException(
          "stored WAL file "
              + what
              + " is damaged: SHA-256 "
              + hex(actual)
              + " instead of "
              + hex(expected)
              + "; it cannot be used for recovery");
    }
  }

  /** {@return lower-case hex} */
  public static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  /** The first bytes of a stream. */
  private static final class BoundedInputStream extends java.io.FilterInputStream {
    private long left;

    BoundedInputStream(InputStream in, long length) {
      super(in);
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = super.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = super.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
