package com.avnology.backup.internal;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The header of an encrypted object stored outside the sets (an archived WAL file):
 *
 * <pre>
 * "AVO1" | kdf (1 byte: 0 none, 1 PBKDF2) | iterations (u32, big-endian) | salt (16 bytes, zeros
 *   without a KDF) | data key wrapped by the master key ({@link SetKeys#WRAPPED_BYTES} bytes)
 * </pre>
 *
 * then the content in the {@link ChunkCipher} format under that data key, the object's key bound as
 * the artifact path. Immutable.
 *
 * @param derived whether the master key is derived from a passphrase
 * @param iterations PBKDF2 iterations, 0 without a KDF
 * @param salt the PBKDF2 salt, 16 bytes (zeros without a KDF)
 * @param wrapped the wrapped data key
 */
@SuppressWarnings("ArrayRecordComponent") // a parsed header, never compared or hashed
public record ObjectHeader(boolean derived, int iterations, byte[] salt, byte[] wrapped) {
  /** The magic bytes an encrypted object starts with. */
  private static final byte[] MAGIC = {'A', 'V', 'O', '1'};

  /** Bytes of the header. */
  public static final int BYTES = 4 + 1 + 4 + 16 + SetKeys.WRAPPED_BYTES;

  /**
   * Writes this header.
   *
   * @param out where the header goes
   */
  public void write(OutputStream out) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(BYTES);
    b.put(MAGIC).put((byte) (derived ? 1 : 0)).putInt(iterations).put(salt).put(wrapped);
    out.write(b.array());
  }

  /**
   * {@return the header}
   *
   * @param in the object's bytes, after its 4 magic bytes
   * @throws EOFException if the object is shorter than a header
   */
  public static ObjectHeader readAfterMagic(InputStream in) throws IOException {
    byte[] rest = new byte[BYTES - MAGIC.length];
    new DataInputStream(in).readFully(rest);
    ByteBuffer b = ByteBuffer.wrap(rest);
    boolean derived = b.get() == 1;
    int iterations = b.getInt();
    byte[] salt = new byte[16];
    b.get(salt);
    byte[] wrapped = new byte[SetKeys.WRAPPED_BYTES];
    b.get(wrapped);
    return new ObjectHeader(derived, iterations, salt, wrapped);
  }

  /** {@return whether {@code first4} are {@link #MAGIC}} */
  public static boolean isMagic(byte[] first4) {
    return Arrays.equals(first4, MAGIC);
  }
}
