package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the data of small tables ahead, on a thread of its own, while an in-place restore's
 * pre-data runs: pre-data is one round trip after the other on one connection, which leaves the
 * second core idle (half the machine's CPU for 0.4 s on PostgreSQL's regression database), and
 * reading, decompressing and checking 500 small data files is two fifths of the workers' CPU in the
 * data phase that follows, when both cores are busy. A load then takes its data from memory.
 *
 * <p>Each file is read through {@link ArchiveSource#openData} as a load would read it, to its end
 * and closed, which checks its size and SHA-256; only data that passed is kept. A file that fails
 * is not kept: its load reads it again and fails as it would have. Memory is bounded: files of at
 * most {@link #MAX_STORED} bytes on storage, at most {@link #budget()} bytes decompressed in all; a
 * file that would go past that is handed over half-read (the bytes read so far, then the rest of
 * its open stream) and reading ahead stops.
 *
 * <p>{@link #finish()} stops reading ahead, after the file being read, and must come before the
 * loads start; {@link #open} is then safe from any thread. {@link #close()} releases what no load
 * took.
 */
final class DataPrefetch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DataPrefetch.class);

  /** The largest file read ahead, as stored (compressed). */
  static final long MAX_STORED = 1L << 20;

  private final ArchiveSource source;
  private final List<String> files;
  private final long budget;
  private final Map<String, InputStream> ready = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean stop;
  private volatile boolean finished;

  private DataPrefetch(ArchiveSource source, List<String> files, long budget) {
    this.source = source;
    this.files = files;
    this.budget = budget;
    this.thread = new Thread(this::run, "avnology-restore-prefetch");
    thread.setDaemon(true);
  }

  /**
   * Starts reading ahead the data of the archive's small COPY loads, largest first (the order in
   * which the workers take them).
   *
   * @param source the archive
   * @param data the TABLE DATA entries that will be loaded
   * @return the prefetch, already reading
   */
  static DataPrefetch start(ArchiveSource source, List<TocEntry> data) {
    return start(source, data, budget());
  }

  static DataPrefetch start(ArchiveSource source, List<TocEntry> data, long budget) {
    record Sized(String file, long size) {}
    List<Sized> small = new ArrayList<>();
    for (TocEntry e : data) {
      if (!e.desc().equals("TABLE DATA")
          || e.dataFile() == null
          || e.dataFile().isEmpty()
          || e.copyStmt() == null
          || e.copyStmt().isBlank()) {
        continue;
      }
      long size = source.dataSize(e.dataFile());
      if (size > 0 && size <= MAX_STORED) {
        small.add(new Sized(e.dataFile(), size));
      }
    }
    small.sort(Comparator.comparingLong(Sized::size).reversed());
    DataPrefetch p = new DataPrefetch(source, small.stream().map(Sized::file).toList(), budget);
    p.thread.start();
    return p;
  }

  /** {@return the most decompressed bytes held: an eighth of the heap, at most 64 MiB} */
  static long budget() {
    return Math.min(64L << 20, Runtime.getRuntime().maxMemory() / 8);
  }

  private void run() {
    long left = budget;
    int read = 0;
    for (String file : files) {
      if (stop || left <= 0) {
        break;
      }
      InputStream in = null;
      try {
        in = source.openData(file);
        int cap = (int) Math.min(left, Integer.MAX_VALUE - 16);
        byte[] bytes = in.readNBytes(cap);
        int next = bytes.length == cap ? in.read() : -1;
        if (next >= 0) {
          // past the budget: handed over half-read (what was read, then the rest of the open
          // stream), and no more reading ahead
          byte[] head = java.util.Arrays.copyOf(bytes, bytes.length + 1);
          head[bytes.length] = (byte) next;
          ready.put(file, new SequenceInputStream(new ByteArrayInputStream(head), in));
          in = null;
          break;
        }
        in.close(); // checks size and SHA-256
        in = null;
        ready.put(file, new ByteArrayInputStream(bytes));
        left -= bytes.length;
        read++;
      } catch (IOException | RuntimeException e) {
        // not kept: the load reads the file itself and meets the same failure
        log.debug("reading {} ahead failed: {}", file, e.toString());
      } finally {
        closeQuietly(in);
      }
    }
    log.debug("read {} of {} data files ahead", read, files.size());
  }

  /** Stops reading ahead (after the file being read) and waits for the thread. */
  void finish() {
    stop = true;
    join();
  }

  /** Waits until everything that will be read ahead is, then serves it as {@link #finish()}. */
  void readAll() {
    join();
  }

  private void join() {
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    finished = true;
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * {@return a data file's decompressed bytes: from memory if they were read ahead, else from the
   * archive}
   *
   * @param dataFile the data file, as the TOC names it
   * @throws IOException if the archive cannot be read
   */
  InputStream open(String dataFile) throws IOException {
    InputStream in = finished ? ready.remove(dataFile) : null;
    return in != null ? in : source.openData(dataFile);
  }

  @Override
  public void close() {
    finish();
    ready.values().forEach(DataPrefetch::closeQuietly);
    ready.clear();
  }

  private static void closeQuietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException | RuntimeException ignored) {
        // not used: whatever it had to say, a load that reads it says it
      }
    }
  }
}
