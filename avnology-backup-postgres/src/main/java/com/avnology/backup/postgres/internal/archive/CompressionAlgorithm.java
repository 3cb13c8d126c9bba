package com.avnology.backup.postgres.internal.archive;

/**
 * A data compression method as pg_dump records it ({@code pg_compress_algorithm} in
 * src/include/common/compression.h), with the suffix a directory archive's data file gets.
 */
public enum CompressionAlgorithm {
  /** Not compressed: {@code 1234.dat}. */
  NONE(0, ""),
  /** gzip: {@code 1234.dat.gz}, a real gzip file. */
  GZIP(1, ".gz"),
  /** LZ4 frame format: {@code 1234.dat.lz4} (archive 1.15+). */
  LZ4(2, ".lz4"),
  /** Zstandard: {@code 1234.dat.zst} (archive 1.15+). */
  ZSTD(3, ".zst");

  private final int code;
  private final String suffix;

  CompressionAlgorithm(int code, String suffix) {
    this.code = code;
    this.suffix = suffix;
  }

  /** {@return the byte the archive header stores (archive 1.15+)} */
  public int code() {
    return code;
  }

  /** {@return the file-name suffix of data files, {@code ""} for {@link #NONE}} */
  public String suffix() {
    return suffix;
  }

  /**
   * {@return the algorithm}
   *
   * @param code a header byte
   * @throws IllegalArgumentException for an unknown code
   */
  public static CompressionAlgorithm of(int code) {
    for (CompressionAlgorithm a : values()) {
      if (a.code == code) {
        return a;
      }
    }
    throw new IllegalArgumentException("unknown compression algorithm code " + code);
  }
}
