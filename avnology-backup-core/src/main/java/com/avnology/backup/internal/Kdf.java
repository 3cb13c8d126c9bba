package com.avnology.backup.internal;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** Key derivation with the JDK's providers only: PBKDF2-HMAC-SHA256 and HKDF-Expand. */
public final class Kdf {
  private Kdf() {}

  /**
   * {@return a 32-byte key}
   *
   * @param passphrase the passphrase
   * @param salt the salt
   * @param iterations the iteration count
   */
  public static byte[] pbkdf2(char[] passphrase, byte[] salt, int iterations) {
    PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot run PBKDF2WithHmacSHA256: " + e, e);
    } finally {
      spec.clearPassword();
    }
  }

  /**
   * HKDF-Expand (RFC 5869) with HMAC-SHA256 for one 32-byte block: {@code HMAC(prk, info || 1)}.
   * The pseudo-random key is a uniformly random data key, so the extract step is not needed.
   *
   * @param prk a uniformly random 32-byte key
   * @param info what the derived key is for
   * @return a 32-byte key
   */
  public static byte[] expand(byte[] prk, String info) {
    Mac mac = hmac(prk);
    mac.update(info.getBytes(StandardCharsets.UTF_8));
    mac.update((byte) 1);
    return mac.doFinal();
  }

  /**
   * {@return a MAC initialised with it}
   *
   * @param key an HMAC-SHA256 key
   */
  public static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("this JVM cannot run HmacSHA256: " + e, e);
    }
  }

  /**
   * Overwrites key material with zeros.
   *
   * @param keys arrays to overwrite with zeros
   */
  public static void wipe(byte[]... keys) {
    for (byte[] k : keys) {
      if (k != null) {
        Arrays.fill(k, (byte) 0);
      }
    }
  }
}
