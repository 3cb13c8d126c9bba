package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.BackupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * Compares an existing data directory with a backup's file list, as pgBackRest's {@code --delta}
 * does: a file whose size and SHA-256 match is kept (its mode and time set from the list), one that
 * differs or is absent is to be written, and whatever the list does not hold is removed (runtime
 * state included: a restored directory holds what a fresh restore would). Not thread-safe.
 */
public final class DeltaRestore {
  private final ChainRestore restore;
  private final Path root;
  private final Map<String, FileEntry> listed = new HashMap<>();
  private final Map<String, Path> locations;
  private final List<FileEntry> candidates = new ArrayList<>();
  private long removed;

  /**
   * What a delta restore did.
   *
   * @param written files written
   * @param removed files and directories removed
   * @param kept files that matched
   */
  public record Outcome(long written, long removed, long kept) {}

  /**
   * @param restore lays the files out
   * @param root the existing data directory
   * @param entries the backup's file list
   * @param locations tablespace links' targets, by link path
   */
  public DeltaRestore(
      ChainRestore restore, Path root, List<FileEntry> entries, Map<String, Path> locations) {
    this.restore = restore;
    this.root = root;
    this.locations = locations;
    entries.forEach(e -> listed.put(e.path(), e));
  }

  /**
   * {@return why a restore must not touch it: a server whose process is alive runs on it}
   *
   * @param dataDirectory a directory
   */
  public static Optional<String> running(Path dataDirectory) {
    Path pid = dataDirectory.resolve("postmaster.pid");
    try {
      String first =
          Files.readAllLines(pid, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
      long number = Long.parseLong(first);
      if (ProcessHandle.of(number).map(ProcessHandle::isAlive).orElse(false)) {
        return Optional.of(
            dataDirectory
                + " is in use: postmaster.pid names process "
                + number
                + ", which is running; stop PostgreSQL (pg_ctl stop) before restoring into it");
      }
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | NumberFormatException e) {
      return Optional.empty(); // unreadable or malformed: stale, removed by the restore
    }
    return Optional.empty();
  }

  /**
   * Removes what the list does not hold, keeps matching files, writes the others.
   *
   * @param entries the backup's file list
   * @return what was done
   */
  public Outcome run(List<FileEntry> entries) throws IOException {
    running(root)
        .ifPresent(
            r -> {
              throw new BackupException(r);
            });
    walk(root, "");
    List<Callable<Boolean>> checks = new ArrayList<>();
    for (FileEntry c : candidates) {
      checks.add(() -> same(c));
    }
    List<Boolean> same = restore.run(checks);
    Map<String, Boolean> kept = new HashMap<>();
    for (int i = 0; i < candidates.size(); i++) {
      kept.put(candidates.get(i).path(), same.get(i));
    }
    List<FileEntry> toWrite = new ArrayList<>();
    long keptFiles = 0;
    for (FileEntry e : entries) {
      if (e.isFile()) {
        if (Boolean.TRUE.equals(kept.get(e.path()))) {
          keptFiles++;
        } else {
          toWrite.add(e);
        }
      }
    }
    restore.layOut(entries.stream().filter(e -> !e.isFile()).toList(), locations);
    restore.write(toWrite);
    return new Outcome(toWrite.size(), removed, keptFiles);
  }

  private boolean same(FileEntry e) throws IOException {
    Path file = restore.resolve(e.path());
    if (Files.size(file) != e.size()
        || !Hashes.file(file, new byte[128 * 1024]).equals(e.sha256())) {
      return false;
    }
    Files.setPosixFilePermissions(file, Modes.permissions(e.mode()));
    Files.setLastModifiedTime(file, FileTime.from(e.mtime()));
    return true;
  }

  private void walk(Path dir, String prefix) throws IOException {
    List<Path> children;
    try (Stream<Path> list = Files.list(dir)) {
      children = list.toList();
    }
    for (Path child : children) {
      String path = prefix + child.getFileName();
      FileEntry e = listed.get(path);
      BasicFileAttributes attrs =
          Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (e != null && e.type() == 'd' && attrs.isDirectory()) {
        walk(child, path + "/");
      } else if (e != null
          && e.type() == 'l'
          && attrs.isSymbolicLink()
          && Files.readSymbolicLink(child).equals(locations.get(path))) {
        walk(child, path + "/");
      } else if (e != null && e.isFile() && attrs.isRegularFile()) {
        candidates.add(e);
      } else {
        remove(child, attrs);
      }
    }
  }

  private void remove(Path path, BasicFileAttributes attrs) throws IOException {
    if (attrs.isDirectory()) {
      try (Stream<Path> list = Files.list(path)) {
        for (Path child : list.toList()) {
          remove(
              child,
              Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        }
      }
    }
    Files.delete(path);
    removed++;
  }
}
