package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.internal.FileObjects;
import com.avnology.backup.internal.FileSetWriter;
import com.avnology.backup.internal.Names;
import com.avnology.backup.internal.StaleSetDirectories;
import com.avnology.backup.internal.TreeDeleter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Backup sets in a local directory, as {@code <root>/sets/<set id>/…}.
 *
 * <p>Every artifact is written under a temporary name, flushed to disk and renamed into place;
 * {@code manifest.json} is written the same way, last, and the directory is synced after it, so a
 * set is either fully listed or not at all, even across a crash.
 *
 * <p>A run that dies (killed with any signal, power lost) leaves an unpublished set directory
 * behind. The writing process holds an OS file lock on {@code <set>/.lock} while it writes, which
 * the OS releases when the process dies; {@link #create(String)} (the next backup) deletes every
 * unpublished set whose lock nobody holds, and logs each at INFO. A set a live process (this one or
 * another) is writing is never touched. An unpublished set without a lock file (written by an older
 * version, or on a file system without locks) is deleted once its id (a timestamp) is older than
 * {@link Builder#staleAfter(Duration)} (24 hours by default).
 *
 * <p>Immutable and thread-safe.
 */
public final class FileSystemSink implements BackupSink {
  private final Path root;
  private final Path sets;
  private final Duration staleAfter;
  private final Clock clock;

  private FileSystemSink(Path root, Duration staleAfter, Clock clock) {
    this.root = root;
    this.sets = root.resolve("sets");
    this.staleAfter = staleAfter;
    this.clock = clock;
  }

  /**
   * {@return the sink, with the default settings}
   *
   * @param root the directory holding the sets; created when the first set is written
   * @throws IllegalArgumentException if {@code root} exists and is not a directory
   */
  public static FileSystemSink of(Path root) {
    return builder(root).build();
  }

  /**
   * {@return a builder}
   *
   * @param root the directory holding the sets; created when the first set is written
   */
  public static Builder builder(Path root) {
    return new Builder(requireNonNull(root, "null root"));
  }

  /** {@return the sink's root directory} */
  public Path root() {
    return root;
  }

  @Override
  public SetWriter create(String setId) {
    Names.checkSetId(requireNonNull(setId, "null setId"));
    cleanStale();
    Path dir = sets.resolve(setId);
    try {
      Files.createDirectories(sets);
      return FileSetWriter.create(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new IllegalArgumentException("set " + setId + " already exists in " + this);
    } catch (IOException e) {
      throw new StorageException("cannot create set directory " + dir + ": " + e, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws NotFoundException if the root directory does not exist (a typo must not look like an
   *     empty sink; only a backup creates it)
   */
  @Override
  public List<String> list() {
    requireRoot();
    if (!Files.isDirectory(sets)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(sets)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve(MANIFEST)))
          .map(d -> d.getFileName().toString())
          .filter(BackupNames::isSetId)
          .sorted(Comparator.reverseOrder())
          .toList();
    } catch (IOException e) {
      throw new StorageException("cannot list " + sets + ": " + e, e);
    }
  }

  /**
   * Deletes unpublished set directories whose writer is dead (see {@link StaleSetDirectories}).
   *
   * @return how many set directories were deleted
   */
  int cleanStale() {
    return StaleSetDirectories.clean(sets, clock.instant().minus(staleAfter), toString());
  }

  /**
   * {@inheritDoc}
   *
   * @throws NotFoundException also if the root directory does not exist
   */
  @Override
  public SetReader open(String setId) {
    Path dir = published(setId);
    return new SetReader() {
      @Override
      public byte[] manifest() {
        try {
          return Files.readAllBytes(dir.resolve(MANIFEST));
        } catch (IOException e) {
          throw new StorageException("cannot read manifest of set " + setId + ": " + e, e);
        }
      }

      @Override
      public InputStream artifact(String path) {
        Path file = dir.resolve(Names.checkArtifactPath(path));
        try {
          return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
          throw new NotFoundException("set " + setId + " has no artifact " + path);
        } catch (IOException e) {
          throw new StorageException(
              "cannot read artifact " + path + " of set " + setId + ": " + e, e);
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void delete(String setId) {
    Path dir = published(setId);
    try {
      Files.delete(dir.resolve(MANIFEST));
    } catch (IOException e) {
      throw new StorageException("cannot delete manifest of set " + setId + ": " + e, e);
    }
    TreeDeleter.delete(dir);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Written under a temporary name, synced, then hard-linked into place, which fails if the key
   * exists, so two writers of one key never see a half-written or replaced object.
   */
  @Override
  public boolean putObjectIfAbsent(String key, InputStream content) {
    return FileObjects.putIfAbsent(root, key, requireNonNull(content, "null content"));
  }

  @Override
  public Optional<InputStream> openObject(String key) {
    return FileObjects.open(root, key);
  }

  @Override
  public List<String> listObjects(String prefix) {
    return FileObjects.list(root, requireNonNull(prefix, "null prefix"));
  }

  @Override
  public void deleteObjects(List<String> keys) {
    FileObjects.delete(root, requireNonNull(keys, "null keys"));
  }

  private void requireRoot() {
    if (!Files.isDirectory(root)) {
      throw new NotFoundException(
          "backup sink "
              + this
              + " does not exist (no directory "
              + root
              + "): check the path; only a backup creates it");
    }
  }

  private Path published(String setId) {
    Names.checkSetId(requireNonNull(setId, "null setId"));
    requireRoot();
    Path dir = sets.resolve(setId);
    if (!Files.isRegularFile(dir.resolve(MANIFEST))) {
      throw new NotFoundException(
          "no backup set " + setId + " in " + this + "; list the sink to see its sets");
    }
    return dir;
  }

  @Override
  public String toString() {
    return "file:" + root;
  }

  /** Collects a file-system sink's settings. Not thread-safe. */
  public static final class Builder {
    private final Path root;
    private Duration staleAfter = Duration.ofHours(24);
    private Clock clock = Clock.systemUTC();

    private Builder(Path root) {
      this.root = root;
    }

    /**
     * {@return this builder}
     *
     * @param age how old (by its id's timestamp) an unpublished set without a lock file (written by
     *     an older version, or on a file system without locks) must be before a new backup deletes
     *     it as the leftover of a dead run; 24 hours by default. Keep it above the longest backup.
     *     Sets with a lock file are judged by their lock, whatever their age.
     * @throws IllegalArgumentException if negative
     */
    public Builder staleAfter(Duration age) {
      requireNonNull(age, "null age");
      if (age.isNegative()) {
        throw new IllegalArgumentException("stale age cannot be negative: " + age);
      }
      this.staleAfter = age;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param clock the time source deciding what is stale; the system UTC clock by default
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "null clock");
      return this;
    }

    /**
     * {@return the sink}
     *
     * @throws IllegalArgumentException if the root exists and is not a directory
     */
    public FileSystemSink build() {
      Path absolute = root.toAbsolutePath().normalize();
      if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
        throw new IllegalArgumentException(
            "backup sink root is not a directory: " + absolute + "; name a directory");
      }
      return new FileSystemSink(absolute, staleAfter, clock);
    }
  }
}
