package com.avnology.backup.s3;

import static java.util.Objects.requireNonNull;

/**
 * One thing a {@link BucketMirror} run does, or would do in a dry run.
 *
 * @param type what is done
 * @param key the object key relative to the source (for {@link Type#REMOVE}, the destination)
 *     prefix
 * @param size the object's size in bytes
 * @param reason why, such as {@code missing}, {@code size differs} or {@code checksum differs}
 */
public record MirrorAction(Type type, String key, long size, String reason) {
  /** What a mirror does with one object. */
  public enum Type {
    /** Copied from source to destination. */
    COPY,
    /** Deleted from the destination: it is not in the source and removal is on. */
    REMOVE,
    /** Left as it is although it differs, because overwrite is off. */
    KEEP
  }

  /**
   * Validates.
   *
   * @param type what is done
   * @param key the object key relative to the source (for {@link Type#REMOVE}, the destination)
   *     prefix
   * @param size the object's size in bytes
   * @param reason why, such as {@code missing}, {@code size differs} or {@code checksum differs}
   */
  public MirrorAction {
    requireNonNull(type, "null type");
    requireNonNull(key, "null key");
    requireNonNull(reason, "null reason");
  }
}
