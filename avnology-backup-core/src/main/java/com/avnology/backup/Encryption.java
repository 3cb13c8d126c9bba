package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.internal.ChunkCipher;
import com.avnology.backup.internal.Kdf;
import com.avnology.backup.internal.SetKeys;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;

/**
 * Authenticated encryption of backup sets: every artifact is encrypted in 64 KiB AES-256-GCM chunks
 * under a fresh random data key per set, which the master key from a {@link KeySource} wraps into
 * the manifest; the manifest itself is authenticated with HMAC-SHA256. See {@code docs/security.md}
 * for the format and the threat model.
 *
 * <p>Fails closed: a backup configured with encryption that cannot be applied (missing environment
 * variable, malformed key, no AES-GCM) throws {@link KeyException} before the set is started; a
 * restore of an encrypted set without the right key throws {@link KeyException} before anything is
 * written.
 *
 * <pre>{@code
 * Encryption enc = Encryption.aes256Gcm(KeySource.env("BACKUP_KEY"));
 * Backup.builder()...encryption(enc).build().run();
 * RestorePlan.builder(sink).latest().encryption(enc)...build().execute();
 * }</pre>
 *
 * <p>Immutable and thread-safe; {@link #toString()} shows no key material.
 */
public final class Encryption {
  private static final SecureRandom RANDOM = new SecureRandom();
  private final KeySource keys;

  /**
   * One salt per instance for {@link #encryptObject}: a passphrase is stretched once, not per
   * object.
   */
  private final byte[] objectSalt = new byte[16];

  private Encryption(KeySource keys) {
    this.keys = keys;
    RANDOM.nextBytes(objectSalt);
  }

  /**
   * {@return aES-256-GCM encryption with that key}
   *
   * @param keys where the master key comes from
   */
  public static Encryption aes256Gcm(KeySource keys) {
    return new Encryption(requireNonNull(keys, "null key source"));
  }

  /** {@return the key source} */
  public KeySource keySource() {
    return keys;
  }

  /**
   * Resolves the master key and makes a new set's data key.
   *
   * @throws KeyException if the key cannot be had or AES-GCM does not work here
   */
  Begun begin(String setId) {
    byte[] salt = new byte[0];
    byte[] master;
    if (keys.derived()) {
      salt = new byte[16];
      RANDOM.nextBytes(salt);
      master = keys.key(salt, KeySource.PBKDF2_ITERATIONS);
    } else {
      master = keys.key();
    }
    try {
      SetKeys.Created created = SetKeys.create(master, setId);
      Manifest.Encryption info =
          Manifest.Encryption.builder()
              .cipher(Manifest.Encryption.AES_256_GCM_STREAM)
              .chunkSize(ChunkCipher.CHUNK)
              .keySource(keys.kind())
              .kdf(keys.derived() ? Manifest.Encryption.PBKDF2 : "none")
              .kdfIterations(keys.derived() ? KeySource.PBKDF2_ITERATIONS : 0)
              .kdfSalt(Base64.getEncoder().encodeToString(salt))
              .wrappedKey(Base64.getEncoder().encodeToString(created.wrapped()))
              .build();
      return new Begun(created.keys(), info);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException(
          "encryption was asked for but cannot be applied ("
              + e.getClass().getSimpleName()
              + "): nothing was written; this JVM needs AES-GCM",
          e);
    } finally {
      Kdf.wipe(master);
    }
  }

  /**
   * Unwraps an encrypted set's data key.
   *
   * @throws KeyException if the key is wrong or of the wrong kind
   * @throws IntegrityException if the encryption block is malformed
   */
  SetKeys open(Manifest manifest) {
    Manifest.Encryption info = manifest.encryption();
    String setId = manifest.id();
    if (!info.cipher().equals(Manifest.Encryption.AES_256_GCM_STREAM)
        || info.chunkSize() != ChunkCipher.CHUNK) {
      throw new IntegrityException(
          "set "
              + setId
              + " is encrypted with "
              + info.cipher()
              + " in "
              + info.chunkSize()
              + "-byte chunks, this library reads "
              + Manifest.Encryption.AES_256_GCM_STREAM
              + " in "
              + ChunkCipher.CHUNK
              + "-byte chunks");
    }
    boolean setDerived = info.kdf().equals(Manifest.Encryption.PBKDF2);
    if (!setDerived && !info.kdf().equals("none")) {
      throw new IntegrityException(
          "set " + setId + " names an unknown key derivation '" + info.kdf() + "'");
    }
    if (setDerived != keys.derived()) {
      throw new KeyException(
          "set "
              + setId
              + " was encrypted with "
              + (setDerived ? "a passphrase" : "a 32-byte key (raw or from the environment)")
              + ", but "
              + keys
              + " was given: give the same kind of key as at backup time");
    }
    byte[] master;
    byte[] wrapped;
    try {
      wrapped = Base64.getDecoder().decode(info.wrappedKey());
      if (setDerived) {
        int iterations = info.kdfIterations();
        if (iterations < KeySource.PBKDF2_ITERATIONS
            || iterations > 100 * KeySource.PBKDF2_ITERATIONS) {
          throw new IntegrityException(
              "set "
                  + setId
                  + " asks for "
                  + iterations
                  + " PBKDF2 iterations, this library accepts "
                  + KeySource.PBKDF2_ITERATIONS
                  + " to "
                  + 100 * KeySource.PBKDF2_ITERATIONS);
        }
        master = keys.key(Base64.getDecoder().decode(info.kdfSalt()), iterations);
      } else {
        master = keys.key();
      }
    } catch (IllegalArgumentException e) {
      throw new IntegrityException(
          "set " + setId + " has a malformed encryption block: " + e.getMessage(), e);
    }
    try {
      return SetKeys.unwrap(master, setId, wrapped);
    } catch (AEADBadTagException e) {
      throw new KeyException(
          "the key given ("
              + keys
              + ") does not open set "
              + setId
              + ": it is the wrong key or passphrase, or the set's key block was changed; nothing was"
              + " restored");
    } catch (GeneralSecurityException e) {
      throw new KeyException(
          "cannot decrypt set "
              + setId
              + ": this JVM needs AES-GCM ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    } finally {
      Kdf.wipe(master);
    }
  }

  /**
   * Encrypts one object stored outside the sets, such as an archived WAL file ({@link
   * BackupSink#putObjectIfAbsent}): a fresh data key per object, wrapped by the master key with
   * {@code objectKey} bound to it, then the content in the chunked AES-256-GCM format of a set's
   * artifacts. A passphrase is stretched once per {@code Encryption} instance (one random salt per
   * instance, recorded in each object).
   *
   * @param objectKey the object's key in the sink; decrypting it under another key fails
   * @param out where the encrypted bytes go; closed with the returned stream
   * @return the stream to write the plaintext to; the object is complete when it is closed
   * @throws KeyException if the key cannot be had or AES-GCM does not work here
   */
  public java.io.OutputStream encryptObject(String objectKey, java.io.OutputStream out) {
    requireNonNull(objectKey, "null objectKey");
    requireNonNull(out, "null out");
    byte[] master = keys.derived() ? keys.key(objectSalt, KeySource.PBKDF2_ITERATIONS) : keys.key();
    try {
      SetKeys.Created created = SetKeys.create(master, objectAad(objectKey));
      new com.avnology.backup.internal.ObjectHeader(
              keys.derived(),
              keys.derived() ? KeySource.PBKDF2_ITERATIONS : 0,
              keys.derived() ? objectSalt.clone() : new byte[16],
              created.wrapped())
          .write(out);
      return new com.avnology.backup.internal.EncryptingOutputStream(
          out, created.keys(), objectKey);
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new KeyException(
          "encryption was asked for but cannot be applied ("
              + e.getClass().getSimpleName()
              + "): "
              + objectKey
              + " was not written; this JVM"
              + " needs AES-GCM",
          e);
    } catch (java.io.IOException e) {
      throw new StorageException("cannot write " + objectKey + ": " + e, e);
    } finally {
      Kdf.wipe(master);
    }
  }

  /**
   * Opens an object written by {@link #encryptObject}.
   *
   * @param objectKey the key it was written under
   * @param in its stored bytes from the start; closed with the returned stream
   * @return its plaintext; reading it throws {@link IntegrityException} if the object was changed
   *     or truncated
   * @throws KeyException if the key is wrong or of the wrong kind
   * @throws IntegrityException if the object is not an encrypted object or its header is damaged
   */
  public java.io.InputStream decryptObject(String objectKey, java.io.InputStream in) {
    requireNonNull(objectKey, "null objectKey");
    requireNonNull(in, "null in");
    com.avnology.backup.internal.ObjectHeader header;
    try {
      byte[] magic = in.readNBytes(4);
      if (!com.avnology.backup.internal.ObjectHeader.isMagic(magic)) {
        throw new IntegrityException(objectKey + " is not an encrypted object of this library");
      }
      header = com.avnology.backup.internal.ObjectHeader.readAfterMagic(in);
    } catch (java.io.IOException e) {
      throw new IntegrityException(
          objectKey + " is truncated: its encryption header is" + " incomplete (" + e + ")", e);
    }
    if (header.derived() != keys.derived()) {
      throw new KeyException(
          objectKey
              + " was encrypted with "
              + (header.derived() ? "a passphrase" : "a 32-byte key (raw or from the environment)")
              + ", but "
              + keys
              + " was given: give the same kind of key as when it was written");
    }
    if (header.derived()
        && (header.iterations() < KeySource.PBKDF2_ITERATIONS
            || header.iterations() > 100 * KeySource.PBKDF2_ITERATIONS)) {
      throw new IntegrityException(
          objectKey
              + " asks for "
              + header.iterations()
              + " PBKDF2 iterations, this library accepts "
              + KeySource.PBKDF2_ITERATIONS
              + " to "
              + 100 * KeySource.PBKDF2_ITERATIONS);
    }
    byte[] master = header.derived() ? keys.key(header.salt(), header.iterations()) : keys.key();
    try {
      SetKeys opened = SetKeys.unwrap(master, objectAad(objectKey), header.wrapped());
      return new com.avnology.backup.internal.DecryptingInputStream(in, opened, objectKey);
    } catch (AEADBadTagException e) {
      throw new KeyException(
          "the key given ("
              + keys
              + ") does not open "
              + objectKey
              + ": it is the wrong key or passphrase, or the object was changed or renamed");
    } catch (GeneralSecurityException e) {
      throw new KeyException(
          "cannot decrypt "
              + objectKey
              + ": this JVM needs AES-GCM ("
              + e.getClass().getSimpleName()
              + ")",
          e);
    } finally {
      Kdf.wipe(master);
    }
  }

  /**
   * {@return whether they start an object written by {@link #encryptObject}}
   *
   * @param first4 the first four bytes of a stored object
   */
  public static boolean isEncryptedObject(byte[] first4) {
    return com.avnology.backup.internal.ObjectHeader.isMagic(first4);
  }

  private static String objectAad(String objectKey) {
    return "object " + objectKey;
  }

  @Override
  public String toString() {
    return "Encryption[AES-256-GCM, " + keys + "]";
  }

  /** A new set's keys and their manifest block. */
  record Begun(SetKeys keys, Manifest.Encryption info) {}
}
