package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.Compression;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Copies a data directory's files into parts ({@code <name>.part-<k>.tar[.zst]}) written
 * concurrently, one thread per part, the files spread over the parts by size (largest first, each
 * to the emptiest part). With a parent backup, files whose size and modification time are unchanged
 * since it are referenced to the set holding them instead of copied; with {@code delta}, a file of
 * unchanged size is read and referenced when its SHA-256 is unchanged. A file whose modification
 * time is within {@link #SETTLE} of the parent's start is copied whatever it looks like: it may
 * have changed during that backup within the file system's timestamp granularity. Memory holds one
 * list entry per file and a buffer per thread, whatever the files' sizes. Not thread-safe: one per
 * backup.
 */
public final class ParallelCopy implements AutoCloseable {
  /** How long before the parent's start a file must have been last modified to be referenced. */
  public static final Duration SETTLE = Duration.ofSeconds(1);

  /**
   * The backup an incremental builds on.
   *
   * @param setId its set
   * @param start when it started
   * @param files its file list, by path
   */
  public record Parent(String setId, Instant start, Map<String, FileEntry> files) {}

  private final BackupContext context;
  private final String name;
  private final int jobs;
  private final Parent parent;
  private final boolean delta;
  private final List<PartTar> parts = new ArrayList<>();
  private final List<FileEntry> entries = Collections.synchronizedList(new ArrayList<>());
  private int partCount;
  private volatile boolean stopping;
  private long storedFiles;
  private long storedBytes;
  private long referencedFiles;
  private long referencedBytes;

  /**
   * @param context the backup's
   * @param name the target's name, the artifacts' prefix
   * @param jobs parts written at once
   * @param parent the backup to build on, or {@code null} for a full backup
   * @param delta whether files of unchanged size are compared by SHA-256
   */
  public ParallelCopy(BackupContext context, String name, int jobs, Parent parent, boolean delta) {
    this.context = context;
    this.name = name;
    this.jobs = jobs;
    this.parent = parent;
    this.delta = delta;
  }

  /**
   * Copies the scanned items: directories and links into the list, files into the parts (or
   * referenced). The parts stay open for {@link #tail()}.
   *
   * @param items the scan's items
   */
  public void tree(List<DataDirectoryScan.Item> items) throws IOException {
    context.expect(items.size(), -1);
    List<DataDirectoryScan.Item> toCopy = new ArrayList<>();
    for (DataDirectoryScan.Item item : items) {
      if (item.type() != 'f') {
        entries.add(FileEntry.node(item.type(), item.mode(), item.mtime(), item.path()));
        context.entriesDone(1);
      } else if (!delta && unchanged(item)) {
        // with delta, even these are read: a change may have kept size and time
        reference(parent.files().get(item.path()), item);
        context.entriesDone(1);
      } else {
        toCopy.add(item);
      }
    }
    List<List<DataDirectoryScan.Item>> split = split(toCopy);
    Compression compression = context.compression();
    partCount = split.size();
    for (int k = 0; k < split.size(); k++) {
      OutputStream out =
          context.artifact(
              name + ".part-" + k + ".tar" + compression.suffix(), compression.algorithm());
      parts.add(new PartTar(out, compression, context.setId(), k));
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(
            split.size(),
            r -> {
              Thread t = new Thread(r, "avnology-physical-copy");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int k = 0; k < split.size(); k++) {
        PartTar part = parts.get(k);
        List<DataDirectoryScan.Item> files = split.get(k);
        done.add(
            pool.submit(
                () -> {
                  copy(part, files);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
      throw new BackupException("physical backup interrupted", e);
    } catch (ExecutionException e) {
      stopping = true;
      pool.shutdownNow();
      try {
        pool.awaitTermination(5, java.util.concurrent.TimeUnit.MINUTES);
      } catch (InterruptedException again) {
        Thread.currentThread().interrupt();
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new BackupException("physical backup failed: " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private void copy(PartTar part, List<DataDirectoryScan.Item> files) throws IOException {
    byte[] buffer = delta ? new byte[128 * 1024] : null;
    for (DataDirectoryScan.Item item : files) {
      if (stopping) {
        throw new BackupException("stopped: another part of the backup failed");
      }
      FileEntry before = parent == null ? null : parent.files().get(item.path());
      if (delta
          && before != null
          && before.isFile()
          && before.size() == item.size()
          && before.sha256().equals(hash(item, buffer))) {
        reference(before, item);
      } else {
        FileEntry entry = part.file(item);
        if (entry != null) {
          synchronized (this) {
            storedFiles++;
            storedBytes += entry.size();
          }
          entries.add(entry);
        }
      }
      context.entriesDone(1);
    }
  }

  private static String hash(DataDirectoryScan.Item item, byte[] buffer) {
    try {
      return Hashes.file(item.source(), buffer);
    } catch (IOException e) {
      return ""; // vanished or unreadable: copied, which says what is wrong
    }
  }

  private boolean unchanged(DataDirectoryScan.Item item) {
    if (parent == null) {
      return false;
    }
    FileEntry before = parent.files().get(item.path());
    return before != null
        && before.isFile()
        && before.size() == item.size()
        && before.mtime().equals(item.mtime())
        && item.mtime().isBefore(parent.start().minus(SETTLE));
  }

  private synchronized void reference(FileEntry before, DataDirectoryScan.Item item) {
    // the current time: the content is the same (same time, or same SHA-256 with delta)
    entries.add(before.now(item.mode(), item.mtime()));
    referencedFiles++;
    referencedBytes += before.size();
  }

  private List<List<DataDirectoryScan.Item>> split(List<DataDirectoryScan.Item> files) {
    int n = Math.max(1, Math.min(jobs, files.size()));
    List<List<DataDirectoryScan.Item>> split = new ArrayList<>();
    long[] sizes = new long[n];
    for (int k = 0; k < n; k++) {
      split.add(new ArrayList<>());
    }
    List<DataDirectoryScan.Item> bySize = new ArrayList<>(files);
    bySize.sort(Comparator.comparingLong(DataDirectoryScan.Item::size).reversed());
    for (DataDirectoryScan.Item item : bySize) {
      int smallest = 0;
      for (int k = 1; k < n; k++) {
        if (sizes[k] < sizes[smallest]) {
          smallest = k;
        }
      }
      split.get(smallest).add(item);
      sizes[smallest] += item.size();
    }
    split.forEach(l -> l.sort(Comparator.comparing(DataDirectoryScan.Item::path)));
    return split;
  }

  /** {@return the first part, where what is read after the stop goes} */
  public PartTar tail() {
    return parts.get(0);
  }

  /**
   * Adds a file to the list.
   *
   * @param entry a file written into {@link #tail()}, for the list
   */
  public synchronized void add(FileEntry entry) {
    entries.add(entry);
    storedFiles++;
    storedBytes += entry.size();
    context.entriesDone(1);
  }

  /** Closes the parts and writes the file list ({@code <name>.files.tsv[.zst]}). */
  public void finish() throws IOException {
    closeParts();
    Compression compression = context.compression();
    List<FileEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(FileEntry::path));
    try (Writer list =
        new BufferedWriter(
            new OutputStreamWriter(
                compression.compress(
                    context.artifact(
                        name + ".files.tsv" + compression.suffix(), compression.algorithm())),
                StandardCharsets.UTF_8))) {
      list.write(FileEntry.HEADER + "\n");
      for (FileEntry e : sorted) {
        list.write(e.format());
        list.write('\n');
      }
    }
  }

  private void closeParts() throws IOException {
    IOException first = null;
    for (PartTar part : parts) {
      try {
        part.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    parts.clear();
    if (first != null) {
      throw first;
    }
  }

  /** {@return files copied into this set} */
  public synchronized long storedFiles() {
    return storedFiles;
  }

  /** {@return bytes of the files copied into this set} */
  public synchronized long storedBytes() {
    return storedBytes;
  }

  /** {@return files referenced to an earlier set} */
  public synchronized long referencedFiles() {
    return referencedFiles;
  }

  /** {@return bytes of the files referenced to an earlier set} */
  public synchronized long referencedBytes() {
    return referencedBytes;
  }

  /** {@return the number of parts} */
  public int parts() {
    return partCount;
  }

  /** Closes whatever parts are still open, after a failure. */
  @Override
  public void close() {
    try {
      closeParts();
    } catch (IOException | RuntimeException e) {
      // the failure that got us here is reported
    }
  }
}
