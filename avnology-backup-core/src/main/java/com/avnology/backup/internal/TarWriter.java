package com.avnology.backup.internal;

import com.avnology.backup.NotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Writes a directory tree as a POSIX (pax) tar stream: long and unicode names, sizes over 8 GiB,
 * sub-second modification times. Entries come in name order, so equal trees give equal archives.
 */
public final class TarWriter {
  private static final int BUFFER = 64 * 1024;

  private final TarArchiveOutputStream tar;
  private final LongConsumer entriesDone;
  private final byte[] buffer = new byte[BUFFER];
  private long entries;

  private TarWriter(OutputStream out, LongConsumer entriesDone) {
    this.tar = new TarArchiveOutputStream(out, BUFFER, "UTF-8");
    this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    this.tar.setAddPaxHeadersForNonAsciiNames(true);
    this.entriesDone = entriesDone;
  }

  /**
   * Writes the tree under {@code root} (not {@code root} itself) to {@code out}, then closes it.
   *
   * @param root the directory to archive
   * @param out where the tar stream goes; closed at the end
   * @param entriesDone told after each entry
   * @return the number of entries written
   * @throws NotFoundException if root is not a directory
   * @throws IOException if a file cannot be read
   */
  public static long write(Path root, OutputStream out, LongConsumer entriesDone)
      throws IOException {
    if (!Files.isDirectory(root)) {
      out.close();
      throw new NotFoundException(
          "volume directory " + root + " does not exist or is not a directory: check the path");
    }
    TarWriter writer = new TarWriter(out, entriesDone);
    try (writer.tar) {
      writer.children(root, "");
      writer.tar.finish();
    }
    return writer.entries;
  }

  private void children(Path dir, String prefix) throws IOException {
    List<Path> sorted;
    try (Stream<Path> list = Files.list(dir)) {
      sorted = list.sorted().toList();
    }
    for (Path child : sorted) {
      String name = prefix + text(child.getFileName(), "the name of " + child);
      PosixFileAttributes attrs =
          Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (attrs.isSymbolicLink()) {
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
        entry.setLinkName(
            text(Files.readSymbolicLink(child), "the target of the symbolic link " + child));
        put(entry, attrs, 0120000);
      } else if (attrs.isDirectory()) {
        put(new TarArchiveEntry(name + "/"), attrs, 040000);
        children(child, name + "/");
      } else if (attrs.isRegularFile()) {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(attrs.size());
        putFile(entry, attrs, child);
      } else {
        throw new IOException(
            child
                + " is "
                + (attrs.isOther() ? "a FIFO, socket or device file" : "of an unknown kind")
                + ", which a volume backup cannot hold: move it out of the volume, or back up a"
                + " directory without it");
      }
    }
  }

  /**
   * A file name (or a symbolic link's target) as text. The JVM decodes names with the locale's
   * encoding ({@code sun.jnu.encoding}), replacing bytes it cannot decode with U+FFFD: such a name
   * would be stored changed, and two of them could become one. Refused instead.
   */
  private static String text(Path name, String what) throws IOException {
    String text = name.toString();
    if (text.indexOf('\uFFFD') >= 0) {
      throw new IOException(
          what
              + " is not valid in the file-name encoding of this JVM ("
              + System.getProperty("sun.jnu.encoding")
              + ", from the locale), so it cannot be stored as it is: run the backup under a"
              + " UTF-8 locale (such as LANG=C.UTF-8), or rename the file");
    }
    return text;
  }

  private void put(TarArchiveEntry entry, PosixFileAttributes attrs, int type) throws IOException {
    describe(entry, attrs, type);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    done();
  }

  private void putFile(TarArchiveEntry entry, PosixFileAttributes attrs, Path file)
      throws IOException {
    Object ctime = ctime(file);
    describe(entry, attrs, 0100000);
    tar.putArchiveEntry(entry);
    long left = attrs.size();
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException(
              file + " shrank while it was being backed up; run the backup again");
        }
        tar.write(buffer, 0, n);
        left -= n;
      }
    }
    PosixFileAttributes after =
        Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    if (after.size() != attrs.size()
        || !after.lastModifiedTime().equals(attrs.lastModifiedTime())
        || !java.util.Objects.equals(after.fileKey(), attrs.fileKey())
        || !java.util.Objects.equals(ctime(file), ctime)) {
      // what was stored would be neither the file before nor after the change
      throw new IOException(
          file + " changed while it was being backed up; run the backup again once it is still");
    }
    tar.closeArchiveEntry();
    done();
  }

  /**
   * {@return the file's status change time, which every write moves, even one that keeps the size
   * and sets the modification time back; null where the platform has none}
   */
  private static Object ctime(Path file) throws IOException {
    try {
      return Files.getAttribute(file, "unix:ctime", LinkOption.NOFOLLOW_LINKS);
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      return null;
    }
  }

  private static void describe(TarArchiveEntry entry, PosixFileAttributes attrs, int type) {
    entry.setMode(type | permissionBits(attrs));
    entry.setLastModifiedTime(attrs.lastModifiedTime());
    entry.setUserName(attrs.owner().getName());
    entry.setGroupName(attrs.group().getName());
  }

  // PosixFilePermission is declared in mode-bit order, OWNER_READ (0400) to OTHERS_EXECUTE (01)
  @SuppressWarnings("EnumOrdinal")
  private static int permissionBits(PosixFileAttributes attrs) {
    int mode = 0;
    for (PosixFilePermission p : attrs.permissions()) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  private void done() {
    entries++;
    entriesDone.accept(1);
  }
}
