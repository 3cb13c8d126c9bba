package com.avnology.backup.postgres.internal.archive;

/**
 * An archive format version ({@code K_VERS_1_x} in pg_backup_archiver.h): 1.14 is written by
 * pg_dump 12–15, 1.15 by 16, 1.16 by 17 and 18.
 *
 * @param major major number, 1
 * @param minor minor number
 * @param rev revision, 0 in every version in use
 */
public record ArchiveVersion(int major, int minor, int rev) implements Comparable<ArchiveVersion> {
  /** pg_dump 9.5/9.6 (separate BLOB entries). */
  public static final ArchiveVersion V1_12 = new ArchiveVersion(1, 12, 0);

  /** pg_dump 9.3.22+/10.3+/11 (SEARCHPATH entry). */
  public static final ArchiveVersion V1_13 = new ArchiveVersion(1, 13, 0);

  /** pg_dump 12–15 (tableam). */
  public static final ArchiveVersion V1_14 = new ArchiveVersion(1, 14, 0);

  /** pg_dump 16 (compression algorithm byte in the header). */
  public static final ArchiveVersion V1_15 = new ArchiveVersion(1, 15, 0);

  /** pg_dump 17+ (relkind per entry). */
  public static final ArchiveVersion V1_16 = new ArchiveVersion(1, 16, 0);

  /**
   * Checks each number fits a byte.
   *
   * @param major major number, 1
   * @param minor minor number
   * @param rev revision, 0 in every version in use
   */
  public ArchiveVersion {
    if (major < 0 || major > 255 || minor < 0 || minor > 255 || rev < 0 || rev > 255) {
      throw new IllegalArgumentException("bad archive version " + major + "." + minor + "." + rev);
    }
  }

  /**
   * {@return whether this version is {@code other} or newer}
   *
   * @param other a version
   */
  public boolean atLeast(ArchiveVersion other) {
    return compareTo(other) >= 0;
  }

  @Override
  public int compareTo(ArchiveVersion o) {
    return Integer.compare(packed(), o.packed());
  }

  private int packed() {
    return (major << 16) | (minor << 8) | rev;
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + rev;
  }
}
