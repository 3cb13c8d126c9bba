package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.BackupException;
import com.avnology.backup.Compression;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.UnsafeArchiveException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Lays out a physical backup written in parts, following its file list: each file from the set
 * and part that holds it (an incremental's unchanged files from its parents), several parts at
 * once, each file's SHA-256 checked against the list as it is written. Tablespace links are made
 * to their (possibly remapped) locations before the files go through them. Not thread-safe: one
 * per restore.
 */
public final class ChainRestore {
  private final RestoreContext context;
  private final String name;
  private final Path root;
  private final int jobs;
  private volatile boolean stopping;

  /**
   * @param context the restore's
   * @param name the target's name
   * @param root the data directory to lay out
   * @param jobs parts read at once
   */
  public ChainRestore(RestoreContext context, String name, Path root, int jobs) {
    this.context = context;
    this.name = name;
    this.root = root;
    this.jobs = jobs;
  }

  /**
   * @param entries the set's file list
   * @param locations tablespace links' targets, by link path ({@code pg_tblspc/<oid>})
   */
  public void layOut(List<FileEntry> entries, Map<String, Path> locations) throws IOException {
    for (FileEntry e : entries) {
      Path target = resolve(e.path());
      if (e.type() == 'd') {
        Files.createDirectories(target);
        Files.setPosixFilePermissions(target, Modes.permissions(e.mode()));
      } else if (e.type() == 'l') {
        Path location = locations.get(e.path());
        if (location == null) {
          throw new IntegrityException("tablespace link " + e.path() + " has no location in the"
              + " set's tablespace_map: the set is damaged");
        }
        Files.createDirectories(location);
        Files.setPosixFilePermissions(location, Modes.permissions(e.mode()));
        if (!Files.isSymbolicLink(target)) {
          Files.createDirectories(target.getParent());
          Files.createSymbolicLink(target, location);
        }
      }
    }
    write(entries.stream().filter(FileEntry::isFile).toList());
  }

  /**
   * Writes files from their parts, several parts at once; a file that exists is replaced.
   *
   * @param files the files to write
   */
  public void write(List<FileEntry> files) throws IOException {
    Map<String, Map<String, FileEntry>> byPart = new LinkedHashMap<>();
    for (FileEntry f : files) {
      byPart.computeIfAbsent(f.set() + "\t" + f.part(), k -> new HashMap<>()).put(f.path(), f);
    }
    List<Callable<Void>> tasks = new ArrayList<>();
    byPart.forEach((key, wanted) -> tasks.add(() -> {
      FileEntry any = wanted.values().iterator().next();
      extract(any.set(), any.part(), wanted);
      return null;
    }));
    run(tasks);
  }

  private void extract(String set, int part, Map<String, FileEntry> wanted) throws IOException {
    RestoreContext holder = set.equals(context.setId()) ? context : context.inSet(set);
    Manifest.Artifact artifact = holder.artifactStartingWith(name + ".part-" + part + ".tar");
    Compression.Algorithm algorithm = Compression.Algorithm.valueOf(
        artifact.compression().toUpperCase(Locale.ROOT));
    byte[] buffer = new byte[128 * 1024];
    int found = 0;
    try (InputStream raw = holder.open(artifact.path().substring(
            holder.manifest().kind().length() + 1));
        InputStream in = Compression.decompress(algorithm, raw)) {
      try {
        TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
        for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
          if (stopping) {
            throw new BackupException("stopped: another part of the restore failed");
          }
          FileEntry file = wanted.get(e.getName());
          if (file == null || !e.isFile()) {
            continue;
          }
          writeFile(tar, file, buffer, set);
          found++;
          context.entriesDone(1);
        }
        in.transferTo(OutputStream.nullOutputStream());
        raw.transferTo(OutputStream.nullOutputStream());
      } catch (IOException | RuntimeException e) {
        // the stored bytes' check names the damaged artifact, if that is what it is
        try {
          raw.transferTo(OutputStream.nullOutputStream());
        } catch (IntegrityException damage) {
          damage.addSuppressed(e);
          throw damage;
        } catch (IOException | RuntimeException ignored) {
          // the first failure stands
        }
        throw e;
      }
    }
    if (found < wanted.size()) {
      List<String> missing = wanted.keySet().stream().filter(p -> !Files.exists(resolve(p)))
          .sorted().limit(10).toList();
      throw new IntegrityException("part " + part + " of set " + set + " lacks files its list"
          + " names: " + missing + "; the set is damaged");
    }
  }

  private void writeFile(InputStream in, FileEntry file, byte[] buffer, String set)
      throws IOException {
    Path target = resolve(file.path());
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    MessageDigest digest = Hashes.sha256();
    try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        digest.update(buffer, 0, n);
      }
    }
    String sha = HexFormat.of().formatHex(digest.digest());
    if (!sha.equals(file.sha256())) {
      throw new IntegrityException("file " + file.path() + " in set " + set + " has SHA-256 "
          + sha + ", its list says " + file.sha256() + ": the set is damaged");
    }
    Files.setPosixFilePermissions(target, Modes.permissions(file.mode()));
    Files.setLastModifiedTime(target, FileTime.from(file.mtime()));
  }

  /** @return the path in the data directory, refusing one that leaves it */
  Path resolve(String path) {
    Path relative = Path.of(path).normalize();
    if (path.startsWith("/") || relative.isAbsolute() || relative.startsWith("..")
        || relative.toString().isEmpty()) {
      throw new UnsafeArchiveException("physical backup file " + path + " points outside the"
          + " data directory; nothing of it was kept");
    }
    return root.resolve(relative);
  }

  private void stop(ExecutorService pool) {
    stopping = true;
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs tasks on up to {@code jobs} threads; the first failure stops the rest. */
  <T> List<T> run(List<Callable<T>> tasks) throws IOException {
    if (tasks.isEmpty()) {
      return List.of();
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(jobs, tasks.size()), r -> {
      Thread t = new Thread(r, "avnology-physical-restore");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(task));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> f : futures) {
        results.add(f.get());
      }
      return results;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop(pool);
      throw new BackupException("physical restore interrupted", e);
    } catch (ExecutionException e) {
      // the others stop before the caller cleans up after them
      stop(pool);
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new BackupException("physical restore failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
