package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

    /**
     * {@return a builder of a target entry with no options, metadata or artifacts}
     *
     * @param kind the target kind, such as {@code volume} or {@code postgres}
     * @param name the target's name, unique per kind within a set
     */
    public static Builder builder(String kind, String name) {
      return new Builder(requireNonNull(kind, "null kind"), requireNonNull(name, "null name"));
    }

    /** Builds a {@link Target}. Not thread-safe; {@link #build()} leaves it unchanged. */
    public static final class Builder {
      private final String kind;
      private final String name;
      private final Map<String, String> options = new LinkedHashMap<>();
      private final Map<String, String> metadata = new LinkedHashMap<>();
      private final List<Artifact> artifacts = new ArrayList<>();

      private Builder(String kind, String name) {
        this.kind = kind;
        this.name = name;
      }

      /**
       * {@return this builder}
       *
       * @param options how it was backed up (compression, …), added to those given before
       */
      public Builder options(Map<String, String> options) {
        this.options.putAll(Map.copyOf(options));
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param metadata what the target recorded, added to what was given before
       */
      public Builder metadata(Map<String, String> metadata) {
        this.metadata.putAll(Map.copyOf(metadata));
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param artifacts stored files to add, in order
       */
      public Builder artifacts(List<Artifact> artifacts) {
        this.artifacts.addAll(List.copyOf(artifacts));
        return this;
      }

      /** {@return the target entry} */
      public Target build() {
        return new Target(kind, name, options, metadata, artifacts);
      }
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
      checkSize(size);
    }

    private static long checkSize(long size) {
      if (size < 0) {
        throw new IllegalArgumentException("artifact size cannot be negative: " + size);
      }
      return size;
    }

    /**
     * {@return a builder of an artifact entry; size, SHA-256 and compression are required}
     *
     * @param path its path inside the set, such as {@code volume/certs.tar.zst}
     */
    public static Builder builder(String path) {
      return new Builder(requireNonNull(path, "null path"));
    }

    /** Builds an {@link Artifact}. Not thread-safe; {@link #build()} leaves it unchanged. */
    public static final class Builder {
      private final String path;
      private long size = -1;
      private String sha256;
      private String compression;

      private Builder(String path) {
        this.path = path;
      }

      /**
       * {@return this builder}
       *
       * @param size its stored size in bytes
       * @throws IllegalArgumentException if negative
       */
      public Builder size(long size) {
        this.size = checkSize(size);
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param sha256 the lowercase hex SHA-256 of its stored bytes
       */
      public Builder sha256(String sha256) {
        this.sha256 = requireNonNull(sha256, "null sha256");
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param compression how it is compressed: {@code none}, {@code gzip} or {@code zstd}
       */
      public Builder compression(String compression) {
        this.compression = requireNonNull(compression, "null compression");
        return this;
      }

      /**
       * {@return the artifact entry}
       *
       * @throws IllegalStateException if size, sha256 or compression is missing
       */
      public Artifact build() {
        if (size < 0 || sha256 == null || compression == null) {
          throw new IllegalStateException(
              "artifact " + path + " needs size, sha256 and compression: call each before build()");
        }
        return new Artifact(path, size, sha256, compression);
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

    /**
     * {@return a builder of an encryption entry: cipher {@link #AES_256_GCM_STREAM}, no KDF (kdf
     * {@code none}, 0 iterations, empty salt); chunk size, key source and wrapped key are required}
     */
    public static Builder builder() {
      return new Builder();
    }

    /** Builds an {@link Encryption}. Not thread-safe; {@link #build()} leaves it unchanged. */
    public static final class Builder {
      private String cipher = AES_256_GCM_STREAM;
      private Integer chunkSize;
      private String keySource;
      private String kdf = "none";
      private int kdfIterations;
      private String kdfSalt = "";
      private String wrappedKey;

      private Builder() {}

      /**
       * {@return this builder}
       *
       * @param cipher the artifact format; {@link #AES_256_GCM_STREAM} by default
       */
      public Builder cipher(String cipher) {
        this.cipher = requireNonNull(cipher, "null cipher");
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param chunkSize plaintext bytes per chunk
       */
      public Builder chunkSize(int chunkSize) {
        this.chunkSize = chunkSize;
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param keySource the kind of key source used: {@code raw}, {@code env} or {@code
       *     passphrase}
       */
      public Builder keySource(String keySource) {
        this.keySource = requireNonNull(keySource, "null keySource");
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param kdf how the master key came from a passphrase, such as {@link #PBKDF2}; {@code none}
       *     by default
       */
      public Builder kdf(String kdf) {
        this.kdf = requireNonNull(kdf, "null kdf");
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param iterations PBKDF2 iterations; 0 by default, without a KDF
       */
      public Builder kdfIterations(int iterations) {
        this.kdfIterations = iterations;
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param salt the base64 PBKDF2 salt; empty by default, without a KDF
       */
      public Builder kdfSalt(String salt) {
        this.kdfSalt = requireNonNull(salt, "null salt");
        return this;
      }

      /**
       * {@return this builder}
       *
       * @param wrappedKey the base64 data key wrapped by the master key with AES-256-GCM
       */
      public Builder wrappedKey(String wrappedKey) {
        this.wrappedKey = requireNonNull(wrappedKey, "null wrappedKey");
        return this;
      }

      /**
       * {@return the encryption entry}
       *
       * @throws IllegalStateException if chunkSize, keySource or wrappedKey is missing
       */
      public Encryption build() {
        if (chunkSize == null || keySource == null || wrappedKey == null) {
          throw new IllegalStateException(
              "an encryption entry needs chunkSize, keySource and wrappedKey:"
                  + " call each before build()");
        }
        return new Encryption(
            cipher, chunkSize, keySource, kdf, kdfIterations, kdfSalt, wrappedKey);
      }
    }
  }

  /** Builds a {@link Manifest}. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private final String id;
    private int formatVersion = FORMAT_VERSION;
    private Instant startedAt;
    private Instant finishedAt;
    private String libraryVersion;
    private final List<Target> targets = new ArrayList<>();
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
