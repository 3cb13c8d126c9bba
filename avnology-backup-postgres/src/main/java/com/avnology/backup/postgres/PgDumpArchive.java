package com.avnology.backup.postgres;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupException;
import com.avnology.backup.Compression;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import com.avnology.backup.postgres.internal.engine.DatabaseRestore;
import com.avnology.backup.postgres.internal.engine.DirectoryArchiveSource;
import com.avnology.backup.postgres.internal.engine.DirectoryBackupContext;
import com.avnology.backup.postgres.internal.engine.SnapshotBackup;
import com.avnology.backup.postgres.internal.interop.CustomArchiveSource;
import com.avnology.backup.postgres.internal.interop.CustomArchiveWriter;
import com.avnology.backup.postgres.internal.interop.TarArchiveSource;
import com.avnology.backup.postgres.internal.interop.TocListing;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An archive written by {@code pg_dump} (custom {@code -Fc}, directory {@code -Fd} or tar {@code
 * -Ft}; archive versions 1.12 to 1.16; none, gzip, lz4 or zstd) — or by this library — read in pure
 * Java: list it like {@code pg_restore -l}, restore it over JDBC, or rewrite it as a single-file
 * custom-format {@code .dump}.
 *
 * <p>Immutable and thread-safe.
 */
public final class PgDumpArchive {
  /** The archive formats. */
  public enum Format {
    /** {@code pg_dump -Fc}: one file. */
    CUSTOM,
    /** {@code pg_dump -Fd}: a directory with toc.dat. */
    DIRECTORY,
    /** {@code pg_dump -Ft}: a tar file. */
    TAR
  }

  private final Path path;
  private final Format format;

  private PgDumpArchive(Path path, Format format) {
    this.path = path;
    this.format = format;
  }

  /**
   * {@return the archive}
   *
   * @param path a {@code .dump} file, a tar file, or a directory holding {@code toc.dat}
   * @throws NotFoundException if nothing is there
   * @throws IllegalArgumentException if it is not a pg_dump archive
   */
  public static PgDumpArchive open(Path path) {
    requireNonNull(path, "null path");
    if (Files.isDirectory(path)) {
      if (!Files.isRegularFile(path.resolve("toc.dat"))) {
        throw new IllegalArgumentException(
            path + " is a directory without toc.dat: not a" + " pg_dump directory archive");
      }
      return new PgDumpArchive(path, Format.DIRECTORY);
    }
    if (!Files.isRegularFile(path)) {
      throw new NotFoundException("no archive at " + path);
    }
    byte[] head = new byte[512];
    int n;
    try (InputStream in = Files.newInputStream(path)) {
      n = in.readNBytes(head, 0, head.length);
    } catch (IOException e) {
      throw new StorageException("cannot read " + path + ": " + e, e);
    }
    if (n >= 5
        && new String(head, 0, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("PGDMP")) {
      return new PgDumpArchive(path, Format.CUSTOM);
    }
    if (n >= 262
        && new String(head, 257, 5, java.nio.charset.StandardCharsets.US_ASCII).equals("ustar")) {
      return new PgDumpArchive(path, Format.TAR);
    }
    throw new IllegalArgumentException(
        path
            + " is not a pg_dump archive (custom, directory or"
            + " tar); a plain SQL dump is restored with psql");
  }

  /** {@return the format} */
  public Format format() {
    return format;
  }

  /**
   * {@return the table of contents as {@code pg_restore -l} prints it}
   *
   * @throws IntegrityException if the archive is damaged
   */
  public String listing() {
    try {
      TocListing.Kind kind = TocListing.Kind.valueOf(format.name());
      return TocListing.format(source().toc(), kind, ZoneId.systemDefault());
    } catch (IOException e) {
      throw new IntegrityException(
          "cannot read the table of contents of " + path + ": " + e.getMessage(), e);
    }
  }

  /**
   * Restores the archive into the target's database, with its jobs, clean and ownership options. A
   * custom-format file is read in full first, so that a damaged one fails before anything is
   * written.
   *
   * @param target the database
   * @return entries applied
   * @throws BackupException naming the failing entry; the database is then left as it was
   */
  public int restore(PostgresTarget target) {
    requireNonNull(target, "null target");
    ArchiveSource source = source();
    if (source instanceof CustomArchiveSource custom) {
      try {
        custom.verify();
      } catch (IOException e) {
        throw new IntegrityException(
            path + " is damaged, nothing was restored: " + e.getMessage(), e);
      }
    }
    return DatabaseRestore.run(target.restoreDataSource(), target.jobs(), target.options(), source);
  }

  /**
   * Rewrites this archive as a custom-format file that {@code pg_restore} (12+) reads.
   *
   * @param file the {@code .dump} to write or replace; written under a temporary name, then renamed
   * @param compression {@link Compression#none()} or gzip, at its level
   * @throws IllegalArgumentException for another compression
   */
  public void writeCustom(Path file, Compression compression) {
    writeCustom(source(), file, compression, true);
  }

  /**
   * Backs a database up straight into a new custom-format {@code .dump} file (archive 1.14), the
   * format managed PostgreSQL services export and {@code pg_restore} reads. An existing file is
   * refused, before the database is read; see {@link #export(PostgresTarget, Path, Compression,
   * boolean)} to replace one.
   *
   * @param source the database
   * @param file the {@code .dump} to write; must not exist
   * @param compression {@link Compression#none()} or gzip, at its level
   * @return the archive written
   * @throws IllegalArgumentException if the file exists, or for another compression
   */
  public static PgDumpArchive export(PostgresTarget source, Path file, Compression compression) {
    return export(source, file, compression, false);
  }

  /**
   * Backs a database up straight into a custom-format {@code .dump} file (archive 1.14). The file
   * is written under a temporary name and renamed when complete, so a failed export never leaves a
   * truncated file, nor harms the file it would have replaced.
   *
   * @param source the database
   * @param file the {@code .dump} to write
   * @param compression {@link Compression#none()} or gzip, at its level
   * @param replace whether an existing file may be replaced; if not, it is refused
   * @return the archive written
   * @throws IllegalArgumentException if the file exists and {@code replace} is false, or for
   *     another compression
   */
  public static PgDumpArchive export(
      PostgresTarget source, Path file, Compression compression, boolean replace) {
    requireNonNull(source, "null source");
    requireNonNull(file, "null file");
    algorithm(requireNonNull(compression, "null compression"));
    if (!replace && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw exists(file);
    }
    Path work = file.toAbsolutePath().resolveSibling("." + file.getFileName() + ".work");
    try {
      deleteTree(work);
      new SnapshotBackup(source.dataSource(), "db", source.jobs(), source.options())
          .run(new DirectoryBackupContext(work, Compression.none()));
      writeCustom(new DirectoryArchiveSource(work.resolve("db")), file, compression, replace);
      return open(file);
    } finally {
      deleteTree(work);
    }
  }

  private static IllegalArgumentException exists(Path file) {
    return new IllegalArgumentException(
        "the file "
            + file
            + " already exists: choose another"
            + " name, delete it, or export with replace to overwrite it");
  }

  /**
   * Writes a custom-format archive of this one to a stream that cannot seek (an upload, a pipe):
   * data offsets are left unset, as pg_dump does on a pipe; pg_restore still reads it.
   *
   * @param out where the archive goes; not closed
   * @param compression {@link Compression#none()} or gzip
   */
  public void writeCustom(OutputStream out, Compression compression) {
    try {
      CustomArchiveWriter.convert(source(), out, algorithm(compression), level(compression));
    } catch (IOException e) {
      throw new StorageException("cannot write a custom archive of " + path + ": " + e, e);
    }
  }

  /**
   * Backs a database up straight into a stream as one custom-format archive (an upload, a pipe):
   * the tables are staged uncompressed in a temporary directory (under {@code java.io.tmpdir},
   * deleted afterwards), then written with data offsets unset, as pg_dump does on a pipe;
   * pg_restore reads it.
   *
   * @param source the database
   * @param out where the archive goes; not closed
   * @param compression {@link Compression#none()} or gzip
   * @throws IllegalArgumentException if the compression is neither
   * @throws StorageException if the database, the staging directory or the stream fails
   */
  public static void export(PostgresTarget source, OutputStream out, Compression compression) {
    requireNonNull(source, "null source");
    requireNonNull(out, "null out");
    CompressionAlgorithm algorithm = algorithm(requireNonNull(compression, "null compression"));
    Path work;
    try {
      work = Files.createTempDirectory("avnology-export");
    } catch (IOException e) {
      throw new StorageException(
          "cannot create a staging directory for the export in "
              + System.getProperty("java.io.tmpdir")
              + ": "
              + e
              + "; set java.io.tmpdir",
          e);
    }
    try {
      new SnapshotBackup(source.dataSource(), "db", source.jobs(), source.options())
          .run(new DirectoryBackupContext(work, Compression.none()));
      CustomArchiveWriter.convert(
          new DirectoryArchiveSource(work.resolve("db")), out, algorithm, level(compression));
    } catch (IOException e) {
      throw new StorageException("cannot write the custom archive: " + e.getMessage(), e);
    } finally {
      deleteTree(work);
    }
  }

  private static void writeCustom(
      ArchiveSource from, Path file, Compression compression, boolean replace) {
    Path partial = file.toAbsolutePath().resolveSibling(file.getFileName() + ".partial");
    try {
      CustomArchiveWriter.convert(from, partial, algorithm(compression), level(compression));
      if (replace) {
        Files.move(
            partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        publishNew(partial, file);
      }
    } catch (IOException e) {
      throw new StorageException("cannot write " + file + ": " + e.getMessage(), e);
    } finally {
      try {
        Files.deleteIfExists(partial);
      } catch (IOException e) {
        // best effort
      }
    }
  }

  /** A hard link never replaces a file that appeared meanwhile; a rename would. */
  private static void publishNew(Path partial, Path file) throws IOException {
    try {
      Files.createLink(file, partial);
    } catch (FileAlreadyExistsException e) {
      throw exists(file);
    } catch (UnsupportedOperationException | IOException e) {
      if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
        throw exists(file);
      }
      Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static int level(Compression compression) {
    return compression.algorithm() == Compression.Algorithm.GZIP ? compression.level() : -1;
  }

  private static CompressionAlgorithm algorithm(Compression compression) {
    return switch (compression.algorithm()) {
      case NONE -> CompressionAlgorithm.NONE;
      case GZIP -> CompressionAlgorithm.GZIP;
      default ->
          throw new IllegalArgumentException(
              "a custom-format archive for pg_restore 12+ takes gzip"
                  + " or none, not "
                  + compression);
    };
  }

  ArchiveSource source() {
    return switch (format) {
      case CUSTOM -> new CustomArchiveSource(path);
      case TAR -> new TarArchiveSource(path);
      default -> new DirectoryArchiveSource(path);
    };
  }

  private static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new StorageException("cannot delete " + dir + ": " + e, e);
    }
  }

  @Override
  public String toString() {
    return "PgDumpArchive[" + format + " " + path + "]";
  }
}
