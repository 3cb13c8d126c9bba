package com.avnology.backup.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The keys of one encrypted set, all derived from its random 32-byte data key with HKDF-Expand: one
 * AES-256-GCM key per artifact ({@link #artifact(String)}, HKDF over a root derived from the data
 * key, with the artifact's path as info), the manifest key (HMAC-SHA256 over the manifest), and, to
 * read sets written before per-artifact keys, the set-wide content key ({@link #content()}). The
 * data key is stored in the manifest wrapped by the master key with AES-256-GCM, the set id bound
 * as associated data. Immutable and thread-safe; {@link #toString()} shows no key.
 */
public final class SetKeys {
  /** Bytes of a wrapped data key: 12-byte nonce, 32-byte ciphertext, 16-byte tag. */
  public static final int WRAPPED_BYTES = 12 + 32 + 16;

  private static final SecureRandom RANDOM = new SecureRandom();
  private final SecretKey content;
  private final byte[] manifestKey;
  private final byte[] artifactRoot;

  private SetKeys(byte[] dataKey) {
    byte[] c = Kdf.expand(dataKey, "avnology-backup v1 artifact content");
    this.content = new SecretKeySpec(c, "AES");
    Kdf.wipe(c);
    this.manifestKey = Kdf.expand(dataKey, "avnology-backup v1 manifest mac");
    this.artifactRoot = Kdf.expand(dataKey, "avnology-backup v2 artifact keys");
  }

  /**
   * A new data key for a new set.
   *
   * @param masterKey the 32-byte master key
   * @param setId the set's id
   * @return the set's keys and the wrapped data key
   * @throws GeneralSecurityException if AES-GCM is not available or the key is refused
   */
  public static Created create(byte[] masterKey, String setId) throws GeneralSecurityException {
    byte[] dataKey = new byte[32];
    RANDOM.nextBytes(dataKey);
    byte[] nonce = new byte[12];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(
          Cipher.ENCRYPT_MODE,
          new SecretKeySpec(masterKey, "AES"),
          new GCMParameterSpec(128, nonce));
      cipher.updateAAD(wrapAad(setId));
      byte[] sealed = cipher.doFinal(dataKey);
      byte[] wrapped = new byte[WRAPPED_BYTES];
      System.arraycopy(nonce, 0, wrapped, 0, 12);
      System.arraycopy(sealed, 0, wrapped, 12, sealed.length);
      SetKeys keys = new SetKeys(dataKey);
      // Fail closed: the content cipher must work before anything is written.
      ChunkCipher.selfTest(keys.artifact("self-test"));
      return new Created(keys, wrapped);
    } finally {
      Kdf.wipe(dataKey);
    }
  }

  /**
   * {@return the set's keys}
   *
   * @param masterKey the 32-byte master key
   * @param setId the set's id
   * @param wrapped the wrapped data key from the manifest
   * @throws AEADBadTagException if the master key is wrong or the wrapped key or set id changed
   * @throws GeneralSecurityException if AES-GCM is not available
   */
  public static SetKeys unwrap(byte[] masterKey, String setId, byte[] wrapped)
      throws GeneralSecurityException {
    if (wrapped.length != WRAPPED_BYTES) {
      throw new AEADBadTagException("wrapped key is " + wrapped.length + " bytes");
    }
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(
        Cipher.DECRYPT_MODE,
        new SecretKeySpec(masterKey, "AES"),
        new GCMParameterSpec(128, wrapped, 0, 12));
    cipher.updateAAD(wrapAad(setId));
    byte[] dataKey = cipher.doFinal(wrapped, 12, WRAPPED_BYTES - 12);
    try {
      return new SetKeys(dataKey);
    } finally {
      Kdf.wipe(dataKey);
    }
  }

  private static byte[] wrapAad(String setId) {
    return ("avnology-backup v1 data key of set " + setId).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * {@return the set-wide AES-256 key of the artifact chunks of sets written before per-artifact
   * keys (header flags 0x00); new artifacts use {@link #artifact(String)}}
   */
  public SecretKey content() {
    return content;
  }

  /**
   * {@return its own AES-256 key: HKDF-Expand of the set's artifact-key root with info {@code
   * "avnology-backup v2 artifact key " + path}}
   *
   * @param path an artifact's path in the set
   */
  public SecretKey artifact(String path) {
    byte[] k = Kdf.expand(artifactRoot, "avnology-backup v2 artifact key " + path);
    try {
      return new SecretKeySpec(k, "AES");
    } finally {
      Kdf.wipe(k);
    }
  }

  /**
   * {@return their HMAC-SHA256}
   *
   * @param canonical a manifest's canonical bytes
   */
  public byte[] mac(byte[] canonical) {
    return Kdf.hmac(manifestKey).doFinal(canonical);
  }

  /**
   * {@return true if it matches, compared in constant time}
   *
   * @param canonical a manifest's canonical bytes
   * @param mac the MAC stored with it
   */
  public boolean macMatches(byte[] canonical, byte[] mac) {
    return MessageDigest.isEqual(mac(canonical), mac);
  }

  @Override
  public String toString() {
    return "SetKeys[****]";
  }

  /**
   * A new set's keys.
   *
   * @param keys the keys
   * @param wrapped the data key wrapped by the master key, for the manifest
   */
  @SuppressWarnings("ArrayRecordComponent") // a result to unpack, never compared or hashed
  public record Created(SetKeys keys, byte[] wrapped) {}
}
