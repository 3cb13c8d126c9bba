package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.internal.FileSetWriter;
import com.avnology.backup.internal.Names;
import com.avnology.backup.internal.TreeDeleter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Backup sets in a local directory, as {@code <root>/sets/<set id>/…}.
 *
 * <p>Every artifact is written under a temporary name, flushed to disk and renamed into place;
 * {@code manifest.json} is written the same way, last, and the directory is synced after it, so a
 * set is either fully listed or not at all, even across a crash.
 *
 * <p>Immutable and thread-safe.
 */
public final class FileSystemSink implements BackupSink {
  private final Path root;
  private final Path sets;

  private FileSystemSink(Path root) {
    this.root = root;
    this.sets = root.resolve("sets");
  }

  /**
   * @param root the directory holding the sets; created when the first set is written
   * @return the sink
   * @throws IllegalArgumentException if {@code root} exists and is not a directory
   */
  public static FileSystemSink of(Path root) {
    Path absolute = requireNonNull(root, "null root").toAbsolutePath().normalize();
    if (Files.exists(absolute) && !Files.isDirectory(absolute)) {
      throw new IllegalArgumentException(
          "backup sink root is not a directory: " + absolute + "; name a directory");
    }
    return new FileSystemSink(absolute);
  }

  /** @return the sink's root directory */
  public Path root() {
    return root;
  }

  @Override
  public SetWriter create(String setId) {
    Names.checkSetId(requireNonNull(setId, "null setId"));
    Path dir = sets.resolve(setId);
    try {
      Files.createDirectories(sets);
      Files.createDirectory(dir);
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw new IllegalArgumentException("set " + setId + " already exists in " + this);
    } catch (IOException e) {
      throw new StorageException("cannot create set directory " + dir + ": " + e, e);
    }
    return new FileSetWriter(dir);
  }

  @Override
  public List<String> list() {
    if (!Files.isDirectory(sets)) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(sets)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve(MANIFEST)))
          .map(d -> d.getFileName().toString())
          .filter(FileSystemSink::isSetId)
          .sorted(Comparator.reverseOrder())
          .toList();
    } catch (IOException e) {
      throw new StorageException("cannot list " + sets + ": " + e, e);
    }
  }

  private static boolean isSetId(String name) {
    try {
      Names.checkSetId(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

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
          throw new StorageException("cannot read artifact " + path + " of set " + setId
              + ": " + e, e);
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

  private Path published(String setId) {
    Names.checkSetId(requireNonNull(setId, "null setId"));
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
}
