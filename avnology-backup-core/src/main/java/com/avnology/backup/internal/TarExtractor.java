package com.avnology.backup.internal;

import com.avnology.backup.BackupException;
import com.avnology.backup.StorageException;
import com.avnology.backup.UnsafeArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Extracts a tar stream into a directory and nowhere else.
 *
 * <p>{@link #check(InputStream)} reads every header first and refuses, before anything is written,
 * absolute names, {@code ..} components, entries whose path passes through a symbolic link (one in
 * the archive or one already on disk), and entry types other than file, directory and symbolic
 * link. {@link #extract} checks again on disk as it goes, writes each file under a temporary name
 * and renames it into place (so a symbolic link at the final name is replaced, never followed), and
 * sets directory modes and times last.
 */
public final class TarExtractor {
  private final Path root;
  private final boolean overwrite;

  /**
   * @param root the directory to restore into
   * @param overwrite whether a non-empty directory is acceptable
   */
  public TarExtractor(Path root, boolean overwrite) {
    this.root = root.toAbsolutePath().normalize();
    this.overwrite = overwrite;
  }

  /** Refuses a root that is not a directory, or is not empty unless overwriting. */
  public void prepare() {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    if (!Files.isDirectory(root)) {
      throw new BackupException("restore target " + root + " is not a directory");
    }
    if (!overwrite) {
      try (Stream<Path> list = Files.list(root)) {
        if (list.findAny().isPresent()) {
          throw new BackupException(
              "restore target "
                  + root
                  + " is not empty: empty it, pick another directory,"
                  + " or allow overwrite (VolumeTarget.Builder.overwrite, CLI --overwrite)");
        }
      } catch (IOException e) {
        throw new StorageException("cannot read restore target " + root + ": " + e, e);
      }
    }
  }

  /**
   * Reads every header and refuses the archive if any entry is unsafe. Writes nothing.
   *
   * @param in the tar stream
   * @throws UnsafeArchiveException naming the first unsafe entry
   * @throws IOException if the stream cannot be read
   */
  public void check(InputStream in) throws IOException {
    Set<String> links = new HashSet<>();
    java.util.Map<String, Boolean> names = new java.util.HashMap<>(); // name: is a directory
    TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
    for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
      String rel = relativeName(e);
      if (rel.isEmpty()) {
        continue;
      }
      supportedType(e);
      for (String ancestor = parent(rel); !ancestor.isEmpty(); ancestor = parent(ancestor)) {
        if (links.contains(ancestor)) {
          throw unsafe(e, "its path passes through the symbolic link " + ancestor);
        }
      }
      if (links.contains(rel)) {
        throw unsafe(e, "it replaces the symbolic link stored before it");
      }
      Boolean before = names.put(rel, e.isDirectory());
      if (before != null && !(before && e.isDirectory())) {
        // the second would silently replace the first (a directory twice is harmless)
        throw unsafe(e, "another entry of the archive has the same name");
      }
      if (e.isSymbolicLink()) {
        links.add(rel);
      }
      if (overwrite) {
        noLinkOnDisk(e, root.resolve(rel).getParent());
      }
    }
  }

  /**
   * Extracts the stream; call {@link #check} on the same bytes first.
   *
   * @param in the tar stream
   * @param entriesDone told after each entry
   * @throws IOException if writing fails; the directory then holds a partial restore
   */
  public void extract(InputStream in, LongConsumer entriesDone) throws IOException {
    Files.createDirectories(root);
    List<Object[]> directories = new ArrayList<>();
    TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
    for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
      String rel = relativeName(e);
      if (rel.isEmpty()) {
        continue;
      }
      supportedType(e);
      Path target = root.resolve(rel);
      makeParents(e, target.getParent());
      if (e.isDirectory()) {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectory(target);
        }
        directories.add(new Object[] {target, e.getMode(), e.getLastModifiedTime()});
      } else if (e.isSymbolicLink()) {
        replaceable(target);
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        setTime(target, e.getLastModifiedTime());
      } else {
        replaceable(target);
        writeFile(tar, target, e);
      }
      entriesDone.accept(1);
    }
    for (int i = directories.size() - 1; i >= 0; i--) {
      Path dir = (Path) directories.get(i)[0];
      Files.setPosixFilePermissions(dir, permissions((Integer) directories.get(i)[1]));
      setTime(dir, (FileTime) directories.get(i)[2]);
    }
  }

  private void writeFile(TarArchiveInputStream tar, Path target, TarArchiveEntry e)
      throws IOException {
    Path temp = target.resolveSibling(".avnology-restore-" + UUID.randomUUID());
    try {
      try (var out =
          Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        tar.transferTo(out);
      }
      Files.setPosixFilePermissions(temp, permissions(e.getMode()));
      Files.setLastModifiedTime(temp, e.getLastModifiedTime());
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void replaceable(Path target) throws IOException {
    if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
      try (Stream<Path> list = Files.list(target)) {
        if (list.findAny().isPresent()) {
          throw new DirectoryNotEmptyException(target + " (the set holds a file there)");
        }
      }
      Files.delete(target);
    }
  }

  private void makeParents(TarArchiveEntry e, Path dir) throws IOException {
    noLinkOnDisk(e, dir);
    Files.createDirectories(dir);
  }

  /** Refuses if any existing component from root down to {@code dir} is a symbolic link. */
  private void noLinkOnDisk(TarArchiveEntry e, Path dir) {
    Path rel = root.relativize(dir);
    Path current = root;
    for (Path part : rel) {
      if (part.toString().isEmpty()) {
        continue;
      }
      current = current.resolve(part);
      if (Files.isSymbolicLink(current)) {
        throw unsafe(e, "its path passes through the symbolic link " + root.relativize(current));
      }
    }
  }

  /**
   * @return the entry's path relative to root, "" for root itself
   */
  private String relativeName(TarArchiveEntry e) {
    String name = e.getName();
    if (name.indexOf('\0') >= 0) {
      throw unsafe(e, "its name contains a NUL byte");
    }
    if (name.startsWith("/") || name.matches("^[A-Za-z]:.*") || name.startsWith("\\")) {
      throw unsafe(e, "its path is absolute");
    }
    List<String> parts = new ArrayList<>();
    for (String part : name.split("/")) {
      if (part.equals("..")) {
        throw unsafe(e, "its path has a '..' component");
      }
      if (!part.isEmpty() && !part.equals(".")) {
        parts.add(part);
      }
    }
    String rel = String.join("/", parts);
    if (!root.resolve(rel).normalize().startsWith(root)) {
      throw unsafe(e, "it resolves outside " + root);
    }
    return rel;
  }

  private static void supportedType(TarArchiveEntry e) {
    if (!e.isDirectory() && !e.isSymbolicLink() && !e.isFile()) {
      throw unsafe(e, "entries of its type (hard link, device, FIFO) are not restored");
    }
    if (e.isLink()) {
      throw unsafe(e, "hard links are not restored");
    }
  }

  private static String parent(String rel) {
    int slash = rel.lastIndexOf('/');
    return slash < 0 ? "" : rel.substring(0, slash);
  }

  private static UnsafeArchiveException unsafe(TarArchiveEntry e, String why) {
    return new UnsafeArchiveException(
        "archive entry '"
            + e.getName()
            + "' refused because "
            + why
            + "; nothing outside the target directory was written");
  }

  // PosixFilePermission is declared in mode-bit order, OWNER_READ (0400) to OTHERS_EXECUTE (01)
  @SuppressWarnings("EnumOrdinal")
  private static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (PosixFilePermission p : PosixFilePermission.values()) {
      if ((mode & (1 << (8 - p.ordinal()))) != 0) {
        set.add(p);
      }
    }
    return set;
  }

  private static void setTime(Path path, FileTime time) {
    try {
      Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
          .setTimes(time, null, null);
    } catch (IOException | UnsupportedOperationException e) {
      // Not every file system can set a link's own time; the link itself is restored.
    }
  }
}
