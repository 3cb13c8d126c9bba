package com.avnology.backup.postgres.internal.archive;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.lz4.FramedLZ4CompressorInputStream;

/**
 * Opens the data files of a directory archive. The TOC names a file without its compression suffix
 * ({@code 1234.dat}); on disk it is {@code 1234.dat}, {@code .dat.gz} (a gzip file), {@code
 * .dat.lz4} (LZ4 frames) or {@code .dat.zst} (zstd frames). Reading finds the file the way
 * pg_restore's {@code InitDiscoverCompressFileHandle} (compress_io.c) does: the name as is first,
 * then with each suffix.
 */
public final class DataFiles {
  private static final int BUFFER = 65536;
  private static final int ZSTD_DEFAULT_LEVEL = 3;

  private DataFiles() {}

  /**
   * {@return the existing file, if any}
   *
   * @param dir the archive directory
   * @param name the file name from the TOC entry
   */
  public static Optional<Path> find(Path dir, String name) {
    Path plain = dir.resolve(name);
    if (Files.isRegularFile(plain)) {
      return Optional.of(plain);
    }
    for (CompressionAlgorithm a : CompressionAlgorithm.values()) {
      if (a != CompressionAlgorithm.NONE) {
        Path p = dir.resolve(name + a.suffix());
        if (Files.isRegularFile(p)) {
          return Optional.of(p);
        }
      }
    }
    return Optional.empty();
  }

  /**
   * {@return its compression, by its name's suffix}
   *
   * @param file a data file
   */
  public static CompressionAlgorithm compressionOf(Path file) {
    String n = file.getFileName().toString();
    for (CompressionAlgorithm a : CompressionAlgorithm.values()) {
      if (a != CompressionAlgorithm.NONE && n.endsWith(a.suffix())) {
        return a;
      }
    }
    return CompressionAlgorithm.NONE;
  }

  /**
   * Opens a data file for reading its decompressed content.
   *
   * @param dir the archive directory
   * @param name the file name from the TOC entry ({@code 1234.dat})
   * @return the decompressed bytes; the caller closes it
   * @throws NoSuchFileException if no variant of the file exists
   * @throws IOException on failure
   */
  public static InputStream openForRead(Path dir, String name) throws IOException {
    Path file =
        find(dir, name)
            .orElseThrow(
                () ->
                    new NoSuchFileException(
                        dir.resolve(name).toString(),
                        null,
                        "no data file " + name + "[.gz|.lz4|.zst]"));
    return openForRead(file);
  }

  /**
   * {@return the decompressed bytes; the caller closes it}
   *
   * @param file a data file, its compression taken from its name
   * @throws IOException on failure
   */
  public static InputStream openForRead(Path file) throws IOException {
    InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
    try {
      return switch (compressionOf(file)) {
        case NONE -> raw;
        case GZIP -> new GZIPInputStream(raw, BUFFER);
        case LZ4 -> new FramedLZ4CompressorInputStream(raw, true);
        case ZSTD ->
            new BufferedInputStream(new ZstdInputStream(raw, RecyclingBufferPool.INSTANCE), BUFFER);
      };
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /**
   * Creates (or replaces) a data file, named {@code name} plus the algorithm's suffix.
   *
   * @param dir the archive directory
   * @param name the file name the TOC entry will hold ({@code 1234.dat})
   * @param algorithm the compression
   * @param level the level: -1 for the library default, else gzip 1–9, zstd 1–22; ignored for LZ4
   *     and NONE
   * @return a stream taking uncompressed bytes; closing it finishes the file
   * @throws IOException on failure
   */
  public static OutputStream openForWrite(
      Path dir, String name, CompressionAlgorithm algorithm, int level) throws IOException {
    Path file = dir.resolve(name + algorithm.suffix());
    OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
    try {
      return switch (algorithm) {
        case NONE -> raw;
        case GZIP -> new LeveledGzipOutputStream(raw, level);
        case LZ4 -> new Lz4FrameOutputStream(raw);
        case ZSTD ->
            new ZstdOutputStream(
                raw, RecyclingBufferPool.INSTANCE, level < 0 ? ZSTD_DEFAULT_LEVEL : level);
      };
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  /** A gzip stream with a chosen deflate level. */
  private static final class LeveledGzipOutputStream extends GZIPOutputStream {
    LeveledGzipOutputStream(OutputStream out, int level) throws IOException {
      super(out, BUFFER);
      def.setLevel(level < 0 ? Deflater.DEFAULT_COMPRESSION : level);
    }
  }
}
