package com.avnology.backup.postgres.internal.physical;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists a data directory as a physical backup copies it, leaving out what pg_basebackup leaves out
 * (the contents of pg_wal and of runtime directories, postmaster.pid, temporary files, relcache
 * init files) but keeping the directories themselves. Tablespaces ({@code pg_tblspc/<oid>} symbolic
 * links) are followed: the link is one item, its target's contents are listed under it. {@code
 * global/pg_control} is left out: it is copied last, after the backup stops. Stateless.
 */
final class DataDirectoryScan {
  private static final Logger log = LoggerFactory.getLogger(DataDirectoryScan.class);

  /** Top-level directories whose contents are runtime state, rebuilt by the server. */
  static final Set<String> EXCLUDED_CONTENTS =
      Set.of(
          "pg_wal",
          "pg_replslot",
          "pg_dynshmem",
          "pg_notify",
          "pg_serial",
          "pg_snapshots",
          "pg_stat_tmp",
          "pg_subtrans");

  private static final Set<String> EXCLUDED_FILES =
      Set.of(
          "postmaster.pid",
          "postmaster.opts",
          "pg_internal.init",
          "backup_label",
          "backup_label.old",
          "tablespace_map",
          "current_logfiles.tmp",
          "recovery.signal",
          "standby.signal");

  /** The control file, copied last. */
  public static final String CONTROL = "global/pg_control";

  /**
   * One thing to copy.
   *
   * @param type {@code d}, {@code l} (a tablespace link, followed) or {@code f}
   * @param path its path in the data directory
   * @param source where to read it
   * @param mode permission bits
   * @param size bytes at listing
   * @param mtime modification time at listing
   */
  public record Item(char type, String path, Path source, int mode, long size, Instant mtime) {}

  private DataDirectoryScan() {}

  /**
   * {@return its items, directories before their contents}
   *
   * @param dataDirectory the data directory
   */
  public static List<Item> scan(Path dataDirectory) throws IOException {
    List<Item> items = new ArrayList<>();
    children(dataDirectory, "", items);
    return items;
  }

  /**
   * {@return whether a restore or delta restore leaves it out: it is runtime state}
   *
   * @param path a path in the data directory
   */
  public static boolean excluded(String path) {
    int slash = path.lastIndexOf('/');
    String fileName = path.substring(slash + 1);
    if (fileName.startsWith("pgsql_tmp")) {
      return true;
    }
    if (EXCLUDED_FILES.contains(fileName) && (slash < 0 || fileName.equals("pg_internal.init"))) {
      return true;
    }
    int first = path.indexOf('/');
    return first > 0
        && EXCLUDED_CONTENTS.contains(path.substring(0, first))
        && !path.equals("pg_wal/archive_status");
  }

  private static void children(Path dir, String prefix, List<Item> items) throws IOException {
    List<Path> sorted;
    try (Stream<Path> list = Files.list(dir)) {
      sorted = list.sorted().toList();
    } catch (NoSuchFileException e) {
      return;
    }
    for (Path child : sorted) {
      String name = prefix + child.getFileName();
      if (excluded(name) || name.equals(CONTROL)) {
        continue;
      }
      PosixFileAttributes attrs;
      try {
        attrs = Files.readAttributes(child, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        continue;
      }
      char type = 'd';
      if (attrs.isSymbolicLink() && name.equals("pg_wal")) {
        // initdb --waldir: restored as a plain directory, as pg_basebackup does
        attrs = Files.readAttributes(child, PosixFileAttributes.class);
      } else if (attrs.isSymbolicLink() && prefix.equals("pg_tblspc/")) {
        type = 'l';
        attrs = Files.readAttributes(child, PosixFileAttributes.class);
      }
      if (attrs.isDirectory()) {
        items.add(item(type, name, child, attrs));
        if (!(prefix.isEmpty() && EXCLUDED_CONTENTS.contains(name))) {
          children(child, name + "/", items);
        } else if (name.equals("pg_wal")) {
          Path status = child.resolve("archive_status");
          if (Files.isDirectory(status)) {
            items.add(
                item(
                    'd',
                    "pg_wal/archive_status",
                    status,
                    Files.readAttributes(status, PosixFileAttributes.class)));
          }
        }
      } else if (attrs.isRegularFile()) {
        items.add(item('f', name, child, attrs));
      } else {
        log.warn("skipping {} in the data directory: not a regular file or directory", name);
      }
    }
  }

  private static Item item(char type, String name, Path source, PosixFileAttributes attrs) {
    return new Item(
        type,
        name,
        source,
        permissionBits(attrs.permissions()),
        type == 'f' ? attrs.size() : 0,
        attrs.lastModifiedTime().toInstant());
  }

  /** {@return the permission bits of a set of permissions} */
  // PosixFilePermission is declared in mode-bit order, OWNER_READ (0400) to OTHERS_EXECUTE (01)
  @SuppressWarnings("EnumOrdinal")
  public static int permissionBits(Set<PosixFilePermission> permissions) {
    int mode = 0;
    for (PosixFilePermission p : permissions) {
      mode |= 1 << (8 - p.ordinal());
    }
    return mode;
  }
}
