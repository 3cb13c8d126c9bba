package com.avnology.backup.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * The encrypted-artifact format: a 16-byte header, then chunks of AES-256-GCM (STREAM construction,
 * Hoang/Reyhanitabar/Rogaway/Vizár 2015, as in Tink's streaming AEAD).
 *
 * <pre>
 * header  = "AVE1" | chunk size (u32, big-endian, 65536) | nonce prefix (7 random bytes) | flags
 * flags   = 0x01: the key is the artifact's own (SetKeys.artifact(path)); 0x00 (sets written
 *           before per-artifact keys, still read): the set's content key
 * chunk i = AES-256-GCM(key, nonce_i, aad, plaintext_i) = ciphertext_i | tag_i (16 bytes)
 * nonce_i = nonce prefix | i (u32, big-endian) | 0x01 for the last chunk, else 0x00
 * aad     = header | UTF-8 artifact path inside the set
 * </pre>
 *
 * <p>Every chunk but the last holds exactly the chunk size of plaintext; the last holds 0 to chunk
 * size bytes (an empty artifact is a header and one 16-byte tag). Reordered, dropped, duplicated or
 * truncated chunks fail authentication, as does an artifact moved to another path or set.
 */
public final class ChunkCipher {
  /** Plaintext bytes per chunk. */
  public static final int CHUNK = 64 * 1024;

  /** GCM tag bytes. */
  public static final int TAG = 16;

  /** Header bytes. */
  public static final int HEADER = 16;

  static final byte[] MAGIC = {'A', 'V', 'E', '1'};

  /** Header flags: the set-wide content key. */
  static final byte SET_KEY = 0;

  /** Header flags: the artifact's own key. */
  static final byte ARTIFACT_KEY = 1;

  private static final SecureRandom RANDOM = new SecureRandom();

  private ChunkCipher() {}

  /**
   * {@return a new header with a random nonce prefix}
   *
   * @param flags {@link #ARTIFACT_KEY}, or {@link #SET_KEY} to write the old scheme (tests)
   */
  static byte[] newHeader(byte flags) {
    byte[] header = new byte[HEADER];
    System.arraycopy(MAGIC, 0, header, 0, 4);
    ByteBuffer.wrap(header, 4, 4).putInt(CHUNK);
    byte[] prefix = new byte[7];
    RANDOM.nextBytes(prefix);
    System.arraycopy(prefix, 0, header, 8, 7);
    header[15] = flags;
    return header;
  }

  static byte[] aad(byte[] header, String path) {
    byte[] p = path.getBytes(StandardCharsets.UTF_8);
    byte[] aad = Arrays.copyOf(header, HEADER + p.length);
    System.arraycopy(p, 0, aad, HEADER, p.length);
    return aad;
  }

  static GCMParameterSpec nonce(byte[] header, long index, boolean last) {
    if (index > 0xFFFF_FFFFL) {
      throw new IllegalStateException("artifact has more than 2^32 chunks");
    }
    byte[] nonce = new byte[12];
    System.arraycopy(header, 8, nonce, 0, 7);
    ByteBuffer.wrap(nonce, 7, 4).putInt((int) index);
    nonce[11] = (byte) (last ? 1 : 0);
    return new GCMParameterSpec(TAG * 8, nonce);
  }

  static Cipher cipher() throws GeneralSecurityException {
    return Cipher.getInstance("AES/GCM/NoPadding");
  }

  /**
   * Encrypts and decrypts one chunk, so that a missing or broken cipher fails before a set is
   * started.
   *
   * @param key the content key
   * @throws GeneralSecurityException if it does not work
   */
  static void selfTest(SecretKey key) throws GeneralSecurityException {
    byte[] header = newHeader(ARTIFACT_KEY);
    byte[] aad = aad(header, "self-test");
    Cipher c = cipher();
    c.init(Cipher.ENCRYPT_MODE, key, nonce(header, 0, true));
    c.updateAAD(aad);
    byte[] sealed = c.doFinal(new byte[] {1, 2, 3});
    c.init(Cipher.DECRYPT_MODE, key, nonce(header, 0, true));
    c.updateAAD(aad);
    if (!Arrays.equals(c.doFinal(sealed), new byte[] {1, 2, 3})) {
      throw new GeneralSecurityException("AES-GCM self-test failed");
    }
  }
}
