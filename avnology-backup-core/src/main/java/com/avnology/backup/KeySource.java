package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.internal.Kdf;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * Where the master key of an {@link Encryption} comes from. The master key never encrypts data
 * itself: it wraps a fresh random data key per backup set (see {@code docs/security.md}).
 *
 * <ul>
 *   <li>{@link #raw(byte[])}: 32 key bytes held by the caller;
 *   <li>{@link #env(String)}: 32 key bytes, base64, in an environment variable read when a backup,
 *       restore or verification starts;
 *   <li>{@link #passphrase(char[])}: a passphrase stretched with PBKDF2-HMAC-SHA256 ({@value
 *       #PBKDF2_ITERATIONS} iterations) and a random salt per set, kept in the set's manifest.
 * </ul>
 *
 * <p>{@link #toString()} never shows key material or the passphrase. Immutable and thread-safe.
 */
public final class KeySource {
  /** PBKDF2-HMAC-SHA256 iterations for {@link #passphrase(char[])} (OWASP 2023 figure). */
  public static final int PBKDF2_ITERATIONS = 600_000;

  /** The length of a raw master key in bytes. */
  public static final int KEY_BYTES = 32;

  private enum Kind {
    RAW,
    ENV,
    PASSPHRASE
  }

  private final Kind kind;
  private final byte[] raw;
  private final char[] passphrase;
  private final String variable;
  private final Function<String, String> environment;
  private final Object cacheLock = new Object();
  private String cachedSalt;
  private byte[] cachedKey;

  private KeySource(
      Kind kind,
      byte[] raw,
      char[] passphrase,
      String variable,
      Function<String, String> environment) {
    this.kind = kind;
    this.raw = raw;
    this.passphrase = passphrase;
    this.variable = variable;
    this.environment = environment;
  }

  /**
   * {@return a source of that key}
   *
   * @param key 32 random bytes; copied, so the caller may wipe its array afterwards
   * @throws IllegalArgumentException if the key is not 32 bytes long
   */
  public static KeySource raw(byte[] key) {
    requireNonNull(key, "null key");
    if (key.length != KEY_BYTES) {
      throw new IllegalArgumentException(
          "an AES-256 key is 32 bytes, this one is "
              + key.length
              + ": generate one with `openssl rand -base64 32`");
    }
    return new KeySource(Kind.RAW, key.clone(), null, null, null);
  }

  /**
   * {@return a source deriving the master key from it, with a fresh salt per set}
   *
   * @param passphrase the passphrase; copied, so the caller may wipe its array afterwards
   * @throws IllegalArgumentException if the passphrase is empty
   */
  public static KeySource passphrase(char[] passphrase) {
    requireNonNull(passphrase, "null passphrase");
    if (passphrase.length == 0) {
      throw new IllegalArgumentException("the passphrase is empty: give a long passphrase");
    }
    return new KeySource(Kind.PASSPHRASE, null, passphrase.clone(), null, null);
  }

  /**
   * {@return a source of that key}
   *
   * @param variable the name of an environment variable holding the base64 of 32 key bytes; it is
   *     read each time a key is needed, so a missing or bad value fails that operation, before
   *     anything is written
   * @throws IllegalArgumentException if the name is empty
   */
  public static KeySource env(String variable) {
    return env(variable, System::getenv);
  }

  static KeySource env(String variable, Function<String, String> environment) {
    requireNonNull(variable, "null variable");
    if (variable.isBlank()) {
      throw new IllegalArgumentException("the environment variable name is empty");
    }
    return new KeySource(Kind.ENV, null, null, variable, environment);
  }

  /** {@return true if the key is derived from a passphrase with a per-set salt} */
  boolean derived() {
    return kind == Kind.PASSPHRASE;
  }

  /**
   * @return a copy of the master key, for a raw or environment source
   * @throws KeyException if the environment variable is missing or not 32 base64 bytes
   */
  byte[] key() {
    if (kind == Kind.RAW) {
      return raw.clone();
    }
    if (kind != Kind.ENV) {
      throw new IllegalStateException("a passphrase needs a salt");
    }
    String value = environment.apply(variable);
    if (value == null || value.isBlank()) {
      throw new KeyException(
          "environment variable "
              + variable
              + " is not set: set it to the"
              + " base64 of a 32-byte key (for example `openssl rand -base64 32`)");
    }
    byte[] key;
    try {
      key = Base64.getDecoder().decode(value.strip());
    } catch (IllegalArgumentException e) {
      throw new KeyException(
          "environment variable "
              + variable
              + " is not valid base64: it must"
              + " hold the base64 of a 32-byte key");
    }
    if (key.length != KEY_BYTES) {
      int n = key.length;
      Arrays.fill(key, (byte) 0);
      throw new KeyException(
          "environment variable "
              + variable
              + " holds a "
              + n
              + "-byte key, AES-256 needs 32 bytes: generate one with `openssl rand -base64 32`");
    }
    return key;
  }

  /**
   * {@return a copy of the key derived from the passphrase}
   *
   * @param salt the set's salt
   * @param iterations the set's PBKDF2 iterations
   */
  byte[] key(byte[] salt, int iterations) {
    String id = HexFormat.of().formatHex(salt) + "/" + iterations;
    synchronized (cacheLock) {
      if (id.equals(cachedSalt)) {
        return cachedKey.clone();
      }
    }
    byte[] key = Kdf.pbkdf2(passphrase, salt, iterations);
    synchronized (cacheLock) {
      cachedSalt = id;
      cachedKey = key.clone();
    }
    return key;
  }

  /**
   * {@return what kind of source this is, for the manifest: {@code raw}, {@code env} or {@code
   * passphrase}}
   */
  String kind() {
    return kind.name().toLowerCase(java.util.Locale.ROOT);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case RAW -> "KeySource.raw(****)";
      case ENV -> "KeySource.env(" + variable + ")";
      default -> "KeySource.passphrase(****)";
    };
  }
}
