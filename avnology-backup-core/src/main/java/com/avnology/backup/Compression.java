package com.avnology.backup;

import com.github.luben.zstd.RecyclingBufferPool;
import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import java.util.Objects;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * How artifacts are compressed: {@link #none()}, {@link #gzip(int)} or {@link #zstd(int)}, or
 * {@link #builder(Algorithm)} for the settings beyond the level, such as multi-threaded zstd:
 *
 * <pre>{@code
 * Compression c = Compression.builder(Compression.Algorithm.ZSTD).level(3).workers(2).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Compression {
  /** The compression algorithms. */
  public enum Algorithm {
    /** Stored as is. */
    NONE(""),
    /** RFC 1952 gzip; what pg_dump's directory format and pg_restore 12+ read. */
    GZIP(".gz"),
    /** Zstandard frames; fastest for a given ratio. */
    ZSTD(".zst");

    private final String suffix;

    Algorithm(String suffix) {
      this.suffix = suffix;
    }

    /** {@return the file-name suffix, such as {@code ".zst"}, or {@code ""} for none} */
    public String suffix() {
      return suffix;
    }
  }

  private static final Compression NONE = new Compression(Algorithm.NONE, 0, 0);
  private static final int BUFFER = 64 * 1024;

  private final Algorithm algorithm;
  private final int level;
  private final int workers;

  private Compression(Algorithm algorithm, int level, int workers) {
    this.algorithm = algorithm;
    this.level = level;
    this.workers = workers;
  }

  /**
   * {@return a builder of that algorithm at its default level (gzip 6, zstd 3), single-threaded}
   *
   * @param algorithm the algorithm
   */
  public static Builder builder(Algorithm algorithm) {
    return new Builder(Objects.requireNonNull(algorithm, "null algorithm"));
  }

  /** {@return a builder holding these settings, for a variant of them} */
  public Builder toBuilder() {
    Builder b = new Builder(algorithm);
    b.level = level;
    b.workers = workers;
    return b;
  }

  /** {@return no compression} */
  public static Compression none() {
    return NONE;
  }

  /**
   * {@return gzip at that level, as {@code builder(Algorithm.GZIP).level(level).build()}}
   *
   * @param level 1 (fastest) to 9 (smallest)
   * @throws IllegalArgumentException if the level is outside 1..9
   */
  public static Compression gzip(int level) {
    return builder(Algorithm.GZIP).level(level).build();
  }

  /**
   * {@return zstd at that level, single-threaded, as {@code
   * builder(Algorithm.ZSTD).level(level).build()}}
   *
   * @param level 1 (fastest) to 22 (smallest); 3 is zstd's default
   * @throws IllegalArgumentException if the level is outside 1..22
   */
  public static Compression zstd(int level) {
    return builder(Algorithm.ZSTD).level(level).build();
  }

  /**
   * Parses {@code none}, {@code gzip}, {@code gzip:6}, {@code zstd} or {@code zstd:3}.
   *
   * @param spec the text form
   * @return the compression it names
   * @throws IllegalArgumentException if the text names no compression
   */
  public static Compression parse(String spec) {
    Objects.requireNonNull(spec, "null spec");
    String[] parts = spec.trim().toLowerCase(Locale.ROOT).split(":", 2);
    try {
      switch (parts[0]) {
        case "none" -> {
          if (parts.length == 1) {
            return none();
          }
        }
        case "gzip" -> {
          return gzip(parts.length == 1 ? 6 : Integer.parseInt(parts[1]));
        }
        case "zstd" -> {
          return zstd(parts.length == 1 ? 3 : Integer.parseInt(parts[1]));
        }
        default -> {}
      }
    } catch (NumberFormatException e) {
      // fall through to the message below
    }
    throw new IllegalArgumentException(
        "unknown compression '" + spec + "': use none, gzip[:1-9] or zstd[:1-22]");
  }

  /** {@return the algorithm} */
  public Algorithm algorithm() {
    return algorithm;
  }

  /** {@return the level (0 for none)} */
  public int level() {
    return level;
  }

  /** {@return zstd worker threads (0 for none)} */
  public int workers() {
    return workers;
  }

  /** {@return the file-name suffix, such as {@code ".zst"}} */
  public String suffix() {
    return algorithm.suffix();
  }

  /**
   * Wraps a stream so that what is written to the result is compressed into {@code out}. Closing
   * the result finishes the compressed stream and closes {@code out}.
   *
   * @param out where compressed bytes go
   * @return the stream to write uncompressed bytes to
   * @throws StorageException if the compressor cannot start
   */
  public OutputStream compress(OutputStream out) {
    Objects.requireNonNull(out, "null out");
    try {
      switch (algorithm) {
        case GZIP -> {
          return new GZIPOutputStream(out, BUFFER) {
            {
              def.setLevel(level);
            }
          };
        }
        case ZSTD -> {
          // pooled buffers: a backup opens one stream per table, hundreds on a large schema
          ZstdOutputStream zstd = new ZstdOutputStream(out, RecyclingBufferPool.INSTANCE, level);
          if (workers > 0) {
            zstd.setWorkers(workers);
          }
          return zstd;
        }
        default -> {
          return out;
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot start " + this + " compression: " + e.getMessage(), e);
    }
  }

  /**
   * As {@link #compress(OutputStream)}, but with zstd every {@code flush()} of the result ends a
   * frame, so that the bytes written after it decompress on their own from that position: a reader
   * that knows where a piece starts and how long it is can decompress just that piece. Gzip and
   * none are as {@link #compress(OutputStream)}.
   *
   * @param out where compressed bytes go
   * @return the stream to write uncompressed bytes to
   * @throws StorageException if the compressor cannot start
   */
  public OutputStream compressInFrames(OutputStream out) {
    OutputStream compressed = compress(out);
    if (compressed instanceof ZstdOutputStream zstd) {
      zstd.setCloseFrameOnFlush(true);
    }
    return compressed;
  }

  /**
   * Wraps a stream of data compressed with {@code algorithm}.
   *
   * @param algorithm how {@code in} was compressed
   * @param in the compressed bytes
   * @return the uncompressed bytes
   * @throws IntegrityException if {@code in} does not start like the algorithm's format
   */
  public static InputStream decompress(Algorithm algorithm, InputStream in) {
    Objects.requireNonNull(in, "null in");
    try {
      return switch (algorithm) {
        case GZIP -> new GZIPInputStream(in, BUFFER);
        case ZSTD -> new ZstdInputStream(in, RecyclingBufferPool.INSTANCE);
        default -> in;
      };
    } catch (IOException e) {
      throw new IntegrityException("not a " + algorithm + " stream: " + e.getMessage(), e);
    }
  }

  /**
   * @return the text form, such as {@code zstd:3}
   */
  @Override
  public String toString() {
    return text(algorithm, level) + (workers > 0 ? " (" + workers + " workers)" : "");
  }

  /** {@return the text form of an algorithm and level, such as {@code zstd:3}} */
  private static String text(Algorithm algorithm, int level) {
    String name = algorithm.name().toLowerCase(Locale.ROOT);
    return algorithm == Algorithm.NONE ? name : name + ":" + level;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Compression compression
        && compression.algorithm == algorithm
        && compression.level == level
        && compression.workers == workers;
  }

  @Override
  public int hashCode() {
    return Objects.hash(algorithm, level, workers);
  }

  /**
   * Builds {@link Compression}. Each setting checks its value when it is given. Not thread-safe;
   * {@link #build()} leaves it unchanged.
   */
  public static final class Builder {
    private final Algorithm algorithm;
    private int level;
    private int workers;

    private Builder(Algorithm algorithm) {
      this.algorithm = algorithm;
      this.level =
          switch (algorithm) {
            case GZIP -> 6;
            case ZSTD -> 3;
            case NONE -> 0;
          };
    }

    /**
     * {@return this builder, at that level}
     *
     * @param level gzip: 1 (fastest) to 9 (smallest), 6 by default; zstd: 1 to 22, 3 by default
     * @throws IllegalArgumentException if the level is outside the algorithm's range, or the
     *     algorithm is {@link Algorithm#NONE}, which has no level
     */
    public Builder level(int level) {
      switch (algorithm) {
        case GZIP -> {
          if (level < 1 || level > 9) {
            throw new IllegalArgumentException("gzip level must be between 1 and 9: " + level);
          }
        }
        case ZSTD -> {
          if (level < 1 || level > 22) {
            throw new IllegalArgumentException("zstd level must be between 1 and 22: " + level);
          }
        }
        case NONE ->
            throw new IllegalArgumentException(
                "compression none takes no level: " + level + "; use gzip or zstd for a level");
      }
      this.level = level;
      return this;
    }

    /**
     * {@return this builder, compressing on that many threads}
     *
     * @param count zstd worker threads; 0 (the default) compresses on the calling thread
     * @throws IllegalArgumentException if count is negative or above 64, or the algorithm is not
     *     zstd
     */
    public Builder workers(int count) {
      if (algorithm != Algorithm.ZSTD) {
        throw new IllegalArgumentException(
            "workers apply to zstd only, not to " + text(algorithm, level));
      }
      if (count < 0 || count > 64) {
        throw new IllegalArgumentException("zstd workers must be between 0 and 64: " + count);
      }
      this.workers = count;
      return this;
    }

    /** {@return the compression; the builder stays usable} */
    public Compression build() {
      return algorithm == Algorithm.NONE ? NONE : new Compression(algorithm, level, workers);
    }
  }
}
