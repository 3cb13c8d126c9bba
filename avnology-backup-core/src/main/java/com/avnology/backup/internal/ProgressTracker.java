package com.avnology.backup.internal;

import com.avnology.backup.Progress;
import com.avnology.backup.ProgressListener;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts bytes and entries of one run and tells the listener, at most once per {@value #STEP} bytes
 * besides every entry and phase change. Thread-safe.
 */
public final class ProgressTracker {
  private static final Logger log = LoggerFactory.getLogger(ProgressTracker.class);
  private static final long STEP = 8L << 20;

  private final ProgressListener listener;
  private final String setId;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong entries = new AtomicLong();
  private final AtomicLong lastReported = new AtomicLong();
  private final AtomicLong totalBytes = new AtomicLong(-1);
  private final AtomicLong totalEntries = new AtomicLong(-1);
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong totalRows = new AtomicLong(-1);
  private volatile Progress.Phase phase = Progress.Phase.BACKUP;
  private volatile String target = "";

  /**
   * @param listener told of progress
   * @param setId the set being written or read
   */
  public ProgressTracker(ProgressListener listener, String setId) {
    this.listener = listener;
    this.setId = setId;
  }

  /**
   * Moves to a new phase and reports it.
   *
   * @param phase the new phase
   * @param target the target now processed, as kind/name, or ""
   */
  public void phase(Progress.Phase phase, String target) {
    this.phase = phase;
    this.target = target;
    report();
  }

  /**
   * Counts bytes written or read.
   *
   * @param count bytes just written or read
   */
  public void bytes(long count) {
    long total = bytes.addAndGet(count);
    long last = lastReported.get();
    if (total - last >= STEP && lastReported.compareAndSet(last, total)) {
      report();
    }
  }

  /**
   * Counts entries finished.
   *
   * @param count entries just finished
   */
  public void entries(long count) {
    entries.addAndGet(count);
    report();
  }

  /**
   * Announces work to come; each known count adds to its total.
   *
   * @param entries entries to come, or -1 if unknown
   * @param bytes stored bytes to come, or -1 if unknown
   * @param rows rows to come (an estimate), or -1 if unknown
   */
  public void expect(long entries, long bytes, long rows) {
    add(totalEntries, entries);
    add(totalBytes, bytes);
    add(totalRows, rows);
    report();
  }

  private static void add(AtomicLong total, long more) {
    if (more >= 0) {
      total.updateAndGet(t -> Math.max(0, t) + more);
    }
  }

  /**
   * Counts table rows copied.
   *
   * @param count table rows just copied
   */
  public void rows(long count) {
    rows.addAndGet(count);
  }

  /** {@return bytes so far} */
  public long bytes() {
    return bytes.get();
  }

  /** {@return entries so far} */
  public long entries() {
    return entries.get();
  }

  private void report() {
    try {
      listener.onProgress(
          new Progress(
              setId,
              phase,
              target,
              bytes.get(),
              entries.get(),
              totalBytes.get(),
              totalEntries.get(),
              rows.get(),
              totalRows.get()));
    } catch (RuntimeException e) {
      log.warn("progress listener failed; ignored", e);
    }
  }
}
