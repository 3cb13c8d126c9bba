package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.BackupException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a data directory as a tar stream, leaving out what pg_basebackup leaves out (the contents
 * of pg_wal and of runtime directories, postmaster.pid, temporary files, relcache init files) but
 * keeping the directories themselves; {@code global/pg_control} goes last, as pg_basebackup sends
 * it. One line per file, with its SHA-256, goes to a file list beside the tar. Files that change
 * while they are read are copied as far as their size at listing (WAL replay
 * repairs them); files that vanish are skipped. Not thread-safe.
 */
public final class DataDirectoryTar implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataDirectoryTar.class);
  private static final int BUFFER = 64 * 1024;
  /** Top-level directories whose contents are runtime state, rebuilt by the server. */
  private static final Set<String> EXCLUDED_CONTENTS = Set.of("pg_wal", "pg_replslot",
      "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_stat_tmp", "pg_subtrans");
  private static final Set<String> EXCLUDED_FILES = Set.of("postmaster.pid", "postmaster.opts",
      "pg_internal.init", "backup_label", "backup_label.old", "tablespace_map",
      "current_logfiles.tmp", "recovery.signal", "standby.signal");
  private static final String CONTROL = "global/pg_control";

  private final TarArchiveOutputStream tar;
  private final java.io.Writer fileList;
  private final java.security.MessageDigest sha256 = newDigest();
  private final LongConsumer entriesDone;
  private final byte[] buffer = new byte[BUFFER];
  private long entries;
  private long bytes;

  /**
   * @param out where the tar stream goes; closed by {@link #close()}
   * @param fileList where one line per regular file goes (mode, size, modification time, SHA-256,
   *     path, tab-separated); closed by {@link #close()}
   * @param entriesDone told after each entry
   */
  public DataDirectoryTar(OutputStream out, OutputStream fileList, LongConsumer entriesDone)
      throws IOException {
    this.fileList = new java.io.BufferedWriter(
        new java.io.OutputStreamWriter(fileList, StandardCharsets.UTF_8));
    this.fileList.write("# mode\tsize\tmtime\tsha256\tpath\n");
    this.tar = new TarArchiveOutputStream(out, BUFFER, "UTF-8");
    this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    this.entriesDone = entriesDone;
  }

  /**
   * Refuses clusters with tablespaces, which this version does not follow.
   *
   * @param dataDirectory the data directory
   */
  public static void checkNoTablespaces(Path dataDirectory) throws IOException {
    Path tblspc = dataDirectory.resolve("pg_tblspc");
    if (Files.isDirectory(tblspc)) {
      try (Stream<Path> list = Files.list(tblspc)) {
        List<Path> spaces = list.toList();
        if (!spaces.isEmpty()) {
          throw new BackupException("the cluster has tablespaces (" + spaces + "), which"
              + " physical backups do not follow yet: move them into pg_default or use a logical"
              + " backup (PostgresTarget)");
        }
      }
    }
  }

  /** Writes the data directory's tree, except {@code global/pg_control}. */
  public void tree(Path dataDirectory) throws IOException {
    children(dataDirectory, dataDirectory, "");
  }

  /** Writes {@code global/pg_control} from the data directory. */
  public void control(Path dataDirectory) throws IOException {
    file(dataDirectory.resolve(CONTROL), CONTROL);
  }

  /**
   * @param name the entry's path
   * @param content its text
   */
  public void text(String name, String content) throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(data.length);
    entry.setMode(0100600);
    entry.setModTime(new Date());
    tar.putArchiveEntry(entry);
    tar.write(data);
    tar.closeArchiveEntry();
    list(entry, sha256.digest(data));
    done(data.length);
  }

  /**
   * @param source a file
   * @param name its entry's path
   * @return false if the file vanished before it could be read
   */
  public boolean file(Path source, String name) throws IOException {
    PosixFileAttributes attrs;
    InputStream in;
    try {
      attrs = Files.readAttributes(source, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      log.debug("{} vanished during the backup; WAL replay recreates it if needed", name);
      return false;
    }
    try (in) {
      TarArchiveEntry entry = entry(name, attrs, 0100000);
      long size = attrs.size();
      entry.setSize(size);
      tar.putArchiveEntry(entry);
      long left = size;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          // shrunk while read: pad with zeros, as pg_basebackup does; replay fixes the pages
          java.util.Arrays.fill(buffer, (byte) 0);
          n = (int) Math.min(buffer.length, left);
        }
        tar.write(buffer, 0, n);
        sha256.update(buffer, 0, n);
        left -= n;
      }
      tar.closeArchiveEntry();
      list(entry, sha256.digest());
      done(size);
      return true;
    }
  }

  /** @return bytes of file content written so far */
  public long bytes() {
    return bytes;
  }

  /** @return entries written so far */
  public long entries() {
    return entries;
  }

  private void children(Path root, Path dir, String prefix) throws IOException {
    List<Path> sorted;
    try (Stream<Path> list = Files.list(dir)) {
      sorted = list.sorted().toList();
    } catch (NoSuchFileException e) {
      return;
    }
    for (Path child : sorted) {
      String name = prefix + child.getFileName();
      if (excluded(name, child.getFileName().toString())) {
        continue;
      }
      PosixFileAttributes attrs;
      try {
        attrs = Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        continue;
      }
      if (attrs.isSymbolicLink() && prefix.isEmpty() && name.equals("pg_wal")) {
        // initdb --waldir: restored as a plain directory, as pg_basebackup does
        attrs = Files.readAttributes(child, PosixFileAttributes.class);
      }
      if (attrs.isDirectory()) {
        TarArchiveEntry entry = entry(name + "/", attrs, 040000);
        tar.putArchiveEntry(entry);
        tar.closeArchiveEntry();
        done(0);
        boolean keepContents = !(prefix.isEmpty() && EXCLUDED_CONTENTS.contains(name));
        if (keepContents) {
          children(root, child, name + "/");
        } else if (name.equals("pg_wal")) {
          // the server needs pg_wal/archive_status to exist
          Path status = child.resolve("archive_status");
          if (Files.isDirectory(status)) {
            tar.putArchiveEntry(entry("pg_wal/archive_status/", Files.readAttributes(status,
                PosixFileAttributes.class), 040000));
            tar.closeArchiveEntry();
            done(0);
          }
        }
      } else if (attrs.isRegularFile()) {
        if (!name.equals(CONTROL)) {
          file(child, name);
        }
      } else {
        log.warn("skipping {} in the data directory: not a regular file or directory", name);
      }
    }
  }

  private void list(TarArchiveEntry entry, byte[] hash) throws IOException {
    String path = entry.getName().replace("\\", "\\\\").replace("\t", "\\t")
        .replace("\n", "\\n");
    fileList.write(String.format(java.util.Locale.ROOT, "%o\t%d\t%s\t%s\t%s\n",
        entry.getMode() & 07777, entry.getSize(), entry.getLastModifiedTime().toInstant(),
        java.util.HexFormat.of().formatHex(hash), path));
  }

  private static java.security.MessageDigest newDigest() {
    try {
      return java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static boolean excluded(String path, String fileName) {
    return EXCLUDED_FILES.contains(fileName) && (!path.contains("/")
        || fileName.equals("pg_internal.init"))
        || fileName.startsWith("pgsql_tmp");
  }

  private static TarArchiveEntry entry(String name, PosixFileAttributes attrs, int type) {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(type | permissionBits(attrs.permissions()));
    entry.setModTime(attrs.lastModifiedTime().toMillis());
    return entry;
  }

  private static int permissionBits(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }

  private void done(long size) {
    entries++;
    bytes += size;
    entriesDone.accept(1);
  }

  /** Finishes the tar stream and closes the output. */
  @Override
  public void close() throws IOException {
    try (tar; fileList) {
      tar.finish();
    }
  }
}
