package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a backup set holds, as recorded in its {@code manifest.json}, which is written last. Make
 * one with {@link #builder(String)}: fields may be added to the format, and a builder keeps code
 * that makes manifests compiling when they are (the record's positional constructor, which Java
 * keeps public, does not).
 *
 * @param formatVersion the manifest format's version ({@link #FORMAT_VERSION} for sets written now)
 * @param id the set's id; ids sort by time
 * @param startedAt when the backup started
 * @param finishedAt when every artifact was stored
 * @param libraryVersion the avnology-backup version that wrote the set
 * @param targets what was backed up, in backup order
 * @param encryption how the artifacts are encrypted, or {@code null} if they are not
 */
public record Manifest(
    int formatVersion,
    String id,
    Instant startedAt,
    Instant finishedAt,
    String libraryVersion,
    List<Target> targets,
    Encryption encryption) {

  /**
   * The manifest format version this library writes and the newest it reads. Version 2 added the
   * {@code integrity} checksum (and, for encrypted sets, the HMAC) and the {@code encryption}
   * block; version 1 manifests are still read.
   */
  public static final int FORMAT_VERSION = 2;

  /**
   * Validates and copies.
   *
   * @param formatVersion the manifest format's version ({@link #FORMAT_VERSION} for sets written
   *     now)
   * @param id the set's id; ids sort by time
   * @param startedAt when the backup started
   * @param finishedAt when every artifact was stored
   * @param libraryVersion the avnology-backup version that wrote the set
   * @param targets what was backed up, in backup order
   * @param encryption how the artifacts are encrypted, or {@code null} if they are not
   */
  public Manifest {
    requireNonNull(id, "null id");
    requireNonNull(startedAt, "null startedAt");
    requireNonNull(finishedAt, "null finishedAt");
    requireNonNull(libraryVersion, "null libraryVersion");
    targets = List.copyOf(targets);
  }

  /**
   * {@return a builder of a manifest of {@link #FORMAT_VERSION}, with no targets, unencrypted}
   *
   * @param id the set's id
   */
  public static Builder builder(String id) {
    return new Builder(requireNonNull(id, "null id"));
  }

  /** {@return true if the set's artifacts are encrypted (see {@link #encryption()})} */
  public boolean encrypted() {
    return encryption != null;
  }

  /** {@return the time the backup took} */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }

  /** {@return the stored size of all artifacts, in bytes} */
  public long totalSize() {
    return targets.stream().flatMap(t -> t.artifacts().stream()).mapToLong(Artifact::size).sum();
  }

  /**
   * {@return that target's entry, if the set holds it}
   *
   * @param kind a target kind, such as {@code volume}
   * @param name a target name
   */
  public Optional<Target> target(String kind, String name) {
    return targets.stream().filter(t -> t.kind().equals(kind) && t.name().equals(name)).findFirst();
  }

  /**
   * One backed-up target.
   *
   * @param kind the target kind, such as {@code volume} or {@code postgres}
   * @param name the target's name, unique per kind within a set
   * @param options how it was backed up (compression, …)
   * @param metadata what the target recorded (entries, row counts, server version, …)
   * @param artifacts its stored files
   */
  public record Target(
      String kind,
      String name,
      Map<String, String> options,
      Map<String, String> metadata,
      List<Artifact> artifacts) {
    /**
     * Validates and copies.
     *
     * @param kind the target kind, such as {@code volume} or {@code postgres}
     * @param name the target's name, unique per kind within a set
     * @param options how it was backed up (compression, …)
     * @param metadata what the target recorded (entries, row counts, server version, …)
     * @param artifacts its stored files
     */
    public Target {
      requireNonNull(kind, "null kind");
      requireNonNull(name, "null name");
      options = Map.copyOf(options);
      metadata = Map.copyOf(metadata);
      artifacts = List.copyOf(artifacts);
    }
  }

  /**
   * One stored file of a set.
   *
   * @param path its path inside the set, such as {@code volume/certs.tar.zst}
   * @param size its stored size in bytes
   * @param sha256 the lowercase hex SHA-256 of its stored bytes
   * @param compression how it is compressed: {@code none}, {@code gzip} or {@code zstd}
   */
  public record Artifact(String path, long size, String sha256, String compression) {
    /**
     * Validates.
     *
     * @param path its path inside the set, such as {@code volume/certs.tar.zst}
     * @param size its stored size in bytes
     * @param sha256 the lowercase hex SHA-256 of its stored bytes
     * @param compression how it is compressed: {@code none}, {@code gzip} or {@code zstd}
     */
    public Artifact {
      requireNonNull(path, "null path");
      requireNonNull(sha256, "null sha256");
      requireNonNull(compression, "null compression");
      if (size < 0) {
        throw new IllegalArgumentException("artifact size cannot be negative: " + size);
      }
    }
  }

  /**
   * How an encrypted set's artifacts are encrypted; see {@code docs/security.md}. Holds no secret:
   * the data key is wrapped by the master key.
   *
   * @param cipher the artifact format, {@code AES-256-GCM-STREAM}
   * @param chunkSize plaintext bytes per chunk
   * @param keySource the kind of key source used: {@code raw}, {@code env} or {@code passphrase}
   *     (informational; raw and env keys are interchangeable)
   * @param kdf how the master key came from a passphrase: {@code PBKDF2-HMAC-SHA256}, or {@code
   *     none} for a raw key
   * @param kdfIterations PBKDF2 iterations, 0 without a KDF
   * @param kdfSalt the base64 PBKDF2 salt, empty without a KDF
   * @param wrappedKey the base64 data key wrapped by the master key with AES-256-GCM (nonce,
   *     ciphertext, tag)
   */
  public record Encryption(
      String cipher,
      int chunkSize,
      String keySource,
      String kdf,
      int kdfIterations,
      String kdfSalt,
      String wrappedKey) {
    /** The only cipher this version writes and reads. */
    public static final String AES_256_GCM_STREAM = "AES-256-GCM-STREAM";

    /** The passphrase KDF. */
    public static final String PBKDF2 = "PBKDF2-HMAC-SHA256";

    /**
     * Validates.
     *
     * @param cipher the artifact format, {@code AES-256-GCM-STREAM}
     * @param chunkSize plaintext bytes per chunk
     * @param keySource the kind of key source used: {@code raw}, {@code env} or {@code passphrase}
     *     (informational; raw and env keys are interchangeable)
     * @param kdf how the master key came from a passphrase: {@code PBKDF2-HMAC-SHA256}, or {@code
     *     none} for a raw key
     * @param kdfIterations PBKDF2 iterations, 0 without a KDF
     * @param kdfSalt the base64 PBKDF2 salt, empty without a KDF
     * @param wrappedKey the base64 data key wrapped by the master key with AES-256-GCM (nonce,
     *     ciphertext, tag)
     */
    public Encryption {
      requireNonNull(cipher, "null cipher");
      requireNonNull(keySource, "null keySource");
      requireNonNull(kdf, "null kdf");
      requireNonNull(kdfSalt, "null kdfSalt");
      requireNonNull(wrappedKey, "null wrappedKey");
    }
  }

  /** Builds a {@link Manifest}. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private final String id;
    private int formatVersion = FORMAT_VERSION;
    private Instant startedAt;
    private Instant finishedAt;
    private String libraryVersion;
    private final java.util.ArrayList<Target> targets = new java.util.ArrayList<>();
    private Encryption encryption;

    private Builder(String id) {
      this.id = id;
    }

    /**
     * {@return this builder}
     *
     * @param version the manifest format's version; {@link #FORMAT_VERSION} by default
     * @throws IllegalArgumentException if not 1 to {@link #FORMAT_VERSION}
     */
    public Builder formatVersion(int version) {
      if (version < 1 || version > FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "format version must be between 1 and " + FORMAT_VERSION + ": " + version);
      }
      this.formatVersion = version;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param startedAt when the backup started
     */
    public Builder startedAt(Instant startedAt) {
      this.startedAt = requireNonNull(startedAt, "null startedAt");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param finishedAt when every artifact was stored
     */
    public Builder finishedAt(Instant finishedAt) {
      this.finishedAt = requireNonNull(finishedAt, "null finishedAt");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param version the avnology-backup version that wrote the set
     */
    public Builder libraryVersion(String version) {
      this.libraryVersion = requireNonNull(version, "null version");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param targets targets to add, in backup order
     */
    public Builder targets(List<Target> targets) {
      this.targets.addAll(List.copyOf(targets));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param encryption how the artifacts are encrypted
     */
    public Builder encryption(Encryption encryption) {
      this.encryption = requireNonNull(encryption, "null encryption");
      return this;
    }

    /**
     * {@return the manifest}
     *
     * @throws IllegalStateException if startedAt, finishedAt or libraryVersion is missing, or
     *     encryption was given with format version 1
     */
    public Manifest build() {
      if (startedAt == null || finishedAt == null || libraryVersion == null) {
        throw new IllegalStateException(
            "a manifest needs startedAt, finishedAt and"
                + " libraryVersion: call each before build()");
      }
      if (encryption != null && formatVersion < 2) {
        throw new IllegalStateException(
            "encryption needs format version 2 or later, not "
                + formatVersion
                + ": leave formatVersion(...) out");
      }
      return new Manifest(
          formatVersion, id, startedAt, finishedAt, libraryVersion, targets, encryption);
    }
  }
}
