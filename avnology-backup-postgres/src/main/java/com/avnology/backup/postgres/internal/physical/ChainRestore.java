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
import java.util.ArrayList;
import java.util.HashMap;
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
 * Lays out a physical backup written in parts, following its file list: each file from the set and
 * part that holds it (an incremental's unchanged files from its parents), several parts at once,
 * each file's size checked against the list as it is written (the parts' stored bytes are checked
 * whole). Tablespace links are made to their (possibly remapped) locations before the files go
 * through them. Not thread-safe: one per restore.
 */
final class ChainRestore {
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
   * Lays the files out.
   *
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
          throw new IntegrityException(
              "tablespace link "
                  + e.path()
                  + " has no location in the"
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
    // the parts with the most to write first, so that the threads finish together
    List<Map<String, FileEntry>> parts = new ArrayList<>(byPart.values());
    parts.sort(
        java.util.Comparator.comparingLong(
                (Map<String, FileEntry> m) -> m.values().stream().mapToLong(FileEntry::size).sum())
            .reversed());
    List<Callable<Void>> tasks = new ArrayList<>();
    for (Map<String, FileEntry> wanted : parts) {
      tasks.add(
          () -> {
            FileEntry any = wanted.values().iterator().next();
            extract(any.set(), any.part(), wanted);
            return null;
          });
    }
    run(tasks);
  }

  private void extract(String set, int part, Map<String, FileEntry> wanted) throws IOException {
    RestoreContext holder = set.equals(context.setId()) ? context : context.inSet(set);
    Manifest.Artifact artifact = holder.artifactStartingWith(name + ".part-" + part + ".tar");
    Compression.Algorithm algorithm =
        Compression.Algorithm.valueOf(artifact.compression().toUpperCase(Locale.ROOT));
    byte[] buffer = new byte[128 * 1024];
    int found = 0;
    try (InputStream raw =
            holder.open(artifact.path().substring(holder.manifest().kind().length() + 1));
        InputStream in = Compression.decompress(algorithm, raw)) {
      try {
        if (wanted.values().stream().allMatch(f -> f.offset() >= 0)) {
          entered(raw, algorithm, wanted, buffer, set);
          raw.transferTo(OutputStream.nullOutputStream());
          return;
        }
        // tar headers and skips read little at a time: from a buffer, not one native call each
        TarArchiveInputStream tar =
            new TarArchiveInputStream(new java.io.BufferedInputStream(in, 256 * 1024), "UTF-8");
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
      List<String> missing =
          wanted.keySet().stream()
              .filter(p -> !Files.exists(resolve(p)))
              .sorted()
              .limit(10)
              .toList();
      throw new IntegrityException(
          "part "
              + part
              + " of set "
              + set
              + " lacks files its list"
              + " names: "
              + missing
              + "; the set is damaged");
    }
  }

  /**
   * Decompresses only the wanted files' frames, skipping the others' stored bytes (still read, for
   * the part's check).
   *
   * @return the number of files written
   */
  private int entered(
      InputStream raw,
      Compression.Algorithm algorithm,
      Map<String, FileEntry> wanted,
      byte[] buffer,
      String set)
      throws IOException {
    List<FileEntry> files = new ArrayList<>(wanted.values());
    files.sort(java.util.Comparator.comparingLong(FileEntry::offset));
    long position = 0;
    int written = 0;
    for (FileEntry f : files) {
      if (stopping) {
        throw new BackupException("stopped: another part of the restore failed");
      }
      skip(raw, f.offset() - position, buffer);
      InputStream region = new Region(raw, f.length());
      try (InputStream in = Compression.decompress(algorithm, region)) {
        TarArchiveInputStream tar = new TarArchiveInputStream(in, "UTF-8");
        TarArchiveEntry e = tar.getNextEntry();
        if (e == null || !e.getName().equals(f.path())) {
          throw new IntegrityException(
              "part "
                  + f.part()
                  + " of set "
                  + set
                  + " holds "
                  + (e == null ? "nothing" : e.getName())
                  + " where its list says "
                  + f.path()
                  + ": the set is damaged");
        }
        writeFile(tar, f, buffer, set);
        region.transferTo(OutputStream.nullOutputStream());
      }
      position = f.offset() + f.length();
      written++;
      context.entriesDone(1);
    }
    return written;
  }

  private static void skip(InputStream in, long count, byte[] buffer) throws IOException {
    if (count < 0) {
      throw new IntegrityException("file list offsets overlap: the set is damaged");
    }
    while (count > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, count));
      if (n < 0) {
        throw new IntegrityException(
            "a part ends before the offset its list names: the set is" + " damaged");
      }
      count -= n;
    }
  }

  /** At most {@code length} bytes of a stream, which closing does not close. */
  private static final class Region extends java.io.FilterInputStream {
    private long left;

    Region(InputStream in, long length) {
      super(in);
      this.left = length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return super.skip(Math.min(n, left));
    }

    @Override
    public int available() {
      return 0;
    }

    @Override
    public boolean markSupported() {
      return false;
    }

    @Override
    public void close() {}
  }

  private void writeFile(InputStream in, FileEntry file, byte[] buffer, String set)
      throws IOException {
    // no SHA-256 per file: the part's stored bytes are checked whole, at its end, and a failure
    // then undoes the restore; hashing every file again would cost a second of CPU per GB
    Path target = resolve(file.path());
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    long size = 0;
    try (OutputStream out =
        Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        out.write(buffer, 0, n);
        size += n;
      }
    }
    if (size != file.size()) {
      throw new IntegrityException(
          "file "
              + file.path()
              + " in set "
              + set
              + " has "
              + size
              + " bytes, its list says "
              + file.size()
              + ": the set is damaged");
    }
    Files.setPosixFilePermissions(target, Modes.permissions(file.mode()));
    Files.setLastModifiedTime(target, FileTime.from(file.mtime()));
  }

  /** {@return the path in the data directory, refusing one that leaves it} */
  Path resolve(String path) {
    Path relative = Path.of(path).normalize();
    if (path.startsWith("/")
        || relative.isAbsolute()
        || relative.startsWith("..")
        || relative.toString().isEmpty()) {
      throw new UnsafeArchiveException(
          "physical backup file "
              + path
              + " points outside the"
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
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(jobs, tasks.size()),
            r -> {
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
