package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a backup set holds, as recorded in its {@code manifest.json}, which is written last.
 *
 * @param formatVersion the manifest format's version ({@link #FORMAT_VERSION} for sets written now)
 * @param id the set's id; ids sort by time
 * @param startedAt when the backup started
 * @param finishedAt when every artifact was stored
 * @param libraryVersion the avnology-backup version that wrote the set
 * @param targets what was backed up, in backup order
 */
public record Manifest(
    int formatVersion,
    String id,
    Instant startedAt,
    Instant finishedAt,
    String libraryVersion,
    List<Target> targets) {

  /** The manifest format version this library writes and the newest it reads. */
  public static final int FORMAT_VERSION = 1;

  /** Validates and copies. */
  public Manifest {
    requireNonNull(id, "null id");
    requireNonNull(startedAt, "null startedAt");
    requireNonNull(finishedAt, "null finishedAt");
    requireNonNull(libraryVersion, "null libraryVersion");
    targets = List.copyOf(targets);
  }

  /** @return the time the backup took */
  public Duration duration() {
    return Duration.between(startedAt, finishedAt);
  }

  /** @return the stored size of all artifacts, in bytes */
  public long totalSize() {
    return targets.stream().flatMap(t -> t.artifacts().stream()).mapToLong(Artifact::size).sum();
  }

  /**
   * @param kind a target kind, such as {@code volume}
   * @param name a target name
   * @return that target's entry, if the set holds it
   */
  public Optional<Target> target(String kind, String name) {
    return targets.stream()
        .filter(t -> t.kind().equals(kind) && t.name().equals(name))
        .findFirst();
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
    /** Validates and copies. */
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
    /** Validates. */
    public Artifact {
      requireNonNull(path, "null path");
      requireNonNull(sha256, "null sha256");
      requireNonNull(compression, "null compression");
      if (size < 0) {
        throw new IllegalArgumentException("artifact size cannot be negative: " + size);
      }
    }
  }
}
