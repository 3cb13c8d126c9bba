package com.avnology.backup.postgres.internal.archive;

/**
 * A custom-format archive's data position for one TOC entry ({@code WriteOffset}/{@code ReadOffset}
 * in pg_backup_archiver.c).
 *
 * @param flag {@link #POS_NOT_SET}, {@link #POS_SET} or {@link #NO_DATA}
 * @param position the byte offset of the entry's data block, meaningful with {@link #POS_SET}
 */
public record DataOffset(int flag, long position) {
  /** {@code K_OFFSET_POS_NOT_SET}: data exists but its position was not recorded. */
  public static final int POS_NOT_SET = 1;

  /** {@code K_OFFSET_POS_SET}: {@link #position()} is valid. */
  public static final int POS_SET = 2;

  /** {@code K_OFFSET_NO_DATA}: the entry has no data. */
  public static final int NO_DATA = 3;

  /**
   * Checks the flag.
   *
   * @param flag {@link #POS_NOT_SET}, {@link #POS_SET} or {@link #NO_DATA}
   * @param position the byte offset of the entry's data block, meaningful with {@link #POS_SET}
   */
  public DataOffset {
    if (flag < POS_NOT_SET || flag > NO_DATA) {
      throw new IllegalArgumentException("unexpected data offset flag " + flag);
    }
  }
}
