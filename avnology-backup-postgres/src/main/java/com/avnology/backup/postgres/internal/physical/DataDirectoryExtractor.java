package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.UnsafeArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Lays a physical backup's tar stream out in an empty directory in one pass. Only directories and
 * regular files are accepted, at relative paths without {@code ..}; anything else stops the
 * restore. The stream is read to its end, so the caller's hash check runs, and if anything fails,
 * everything written is deleted: the directory is left empty, as it was found. Not thread-safe.
 */
final class DataDirectoryExtractor {
  private static final PosixFilePermission[] BITS = PosixFilePermission.values();

  private final Path root;
  private final LongConsumer entriesDone;

  /**
   * @param root an existing, empty directory
   * @param entriesDone told after each entry
   */
  public DataDirectoryExtractor(Path root, LongConsumer entriesDone) {
    this.root = root;
    this.entriesDone = entriesDone;
  }

  /**
   * {@return the number of entries}
   *
   * @param in the tar stream; read to its end, not closed
   * @throws UnsafeArchiveException for an entry that is not a plain file or directory inside root
   */
  public long extract(InputStream in) throws IOException {
    long entries = 0;
    try {
      TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        write(tar, e);
        entries++;
        entriesDone.accept(1);
      }
      in.transferTo(OutputStream.nullOutputStream());
      return entries;
    } catch (IOException | RuntimeException e) {
      empty();
      throw e;
    }
  }

  private void write(TarArchiveInputStream tar, TarArchiveEntry e) throws IOException {
    Path target = resolve(e.getName());
    if (e.isDirectory()) {
      Files.createDirectories(target);
    } else if (e.isFile()) {
      Files.createDirectories(target.getParent());
      try (OutputStream out =
          Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        tar.transferTo(out);
      }
    } else {
      throw new UnsafeArchiveException(
          "physical backup entry "
              + e.getName()
              + " is neither a"
              + " file nor a directory; this version never writes such entries: the set was not"
              + " written by it, or is damaged");
    }
    Files.setPosixFilePermissions(target, permissions(e.getMode()));
    Files.setLastModifiedTime(target, FileTime.from(e.getLastModifiedTime().toInstant()));
  }

  private Path resolve(String name) {
    Path relative = Path.of(name).normalize();
    if (name.startsWith("/")
        || relative.isAbsolute()
        || relative.startsWith("..")
        || relative.toString().isEmpty()) {
      throw new UnsafeArchiveException(
          "physical backup entry "
              + name
              + " points outside the"
              + " data directory; nothing of it was kept");
    }
    return root.resolve(relative);
  }

  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        set.add(BITS[i]);
      }
    }
    set.add(PosixFilePermission.OWNER_READ);
    set.add(PosixFilePermission.OWNER_WRITE);
    return set;
  }

  /** Deletes everything under root, keeping root. */
  public void empty() {
    empty(root);
  }

  /**
   * Deletes everything under a directory, keeping it; symbolic links are deleted, not followed.
   *
   * @param root the directory
   */
  public static void empty(Path root) {
    try (Stream<Path> children = Files.list(root)) {
      for (Path child : children.toList()) {
        Files.walkFileTree(
            child,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                  throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path dir, IOException e)
                  throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
              }
            });
      }
    } catch (IOException e) {
      // reported with the failure that got us here
    }
  }
}
