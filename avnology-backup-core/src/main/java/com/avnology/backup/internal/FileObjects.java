package com.avnology.backup.internal;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Objects outside the sets of a {@link com.avnology.backup.FileSystemSink} (the WAL archive):
 * written under a temporary name, synced, then hard-linked to their key, which never replaces an
 * existing object. Thread-safe.
 */
public final class FileObjects {
  private static final String TEMP = ".tmp-";

  private FileObjects() {}

  /**
   * {@return whether it was stored; false if the key existed}
   *
   * @param root the sink's root
   * @param key the object's key
   * @param content its bytes
   */
  public static boolean putIfAbsent(Path root, String key, InputStream content) {
    Path file = resolve(root, key);
    if (Files.exists(file)) {
      return false;
    }
    Path temp = file.resolveSibling(TEMP + UUID.randomUUID() + "-" + file.getFileName());
    try {
      Files.createDirectories(file.getParent());
      try (FileChannel channel =
              FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
          OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
        content.transferTo(out);
        channel.force(true);
      }
      try {
        Files.createLink(file, temp);
      } catch (FileAlreadyExistsException e) {
        return false;
      }
      syncDirectory(file.getParent());
      return true;
    } catch (IOException e) {
      throw new StorageException("cannot store " + key + " in " + root + ": " + e, e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        // a leftover temporary file is ignored by list and open
      }
    }
  }

  /**
   * {@return its bytes, or empty if absent}
   *
   * @param root the sink's root
   * @param key an object's key
   */
  public static Optional<InputStream> open(Path root, String key) {
    Path file = resolve(root, key);
    try {
      return Optional.of(Files.newInputStream(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new StorageException("cannot read " + key + " in " + root + ": " + e, e);
    }
  }

  /**
   * {@return keys starting so, sorted}
   *
   * @param root the sink's root
   * @param prefix the start of the keys wanted
   */
  public static List<String> list(Path root, String prefix) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().startsWith(TEMP))
          .map(f -> root.relativize(f).toString().replace('\\', '/'))
          .filter(k -> k.startsWith(prefix) && !k.startsWith("sets/"))
          .sorted()
          .toList();
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new StorageException("cannot list " + prefix + " in " + root + ": " + e, e);
    }
  }

  /**
   * Deletes objects of a file sink.
   *
   * @param root the sink's root
   * @param keys the keys of objects to delete; absent ones are skipped
   */
  public static void delete(Path root, List<String> keys) {
    List<Path> files = keys.stream().map(k -> resolve(root, k)).toList();
    for (int i = 0; i < files.size(); i++) {
      try {
        Files.deleteIfExists(files.get(i));
      } catch (IOException e) {
        throw new StorageException("cannot delete " + keys.get(i) + " in " + root + ": " + e, e);
      }
    }
  }

  private static Path resolve(Path root, String key) {
    Names.checkArtifactPath(requireNonNull(key, "null key"));
    if (key.startsWith("sets/") || key.equals("sets")) {
      throw new IllegalArgumentException(
          "object key "
              + key
              + " is under sets/, which holds"
              + " backup sets: choose another prefix, such as wal/");
    }
    return root.resolve(key);
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // some file systems cannot sync a directory; the link is still in place
    }
  }
}
