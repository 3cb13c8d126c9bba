package com.avnology.backup.examples.cli;

import com.avnology.backup.Progress;
import com.avnology.backup.ProgressListener;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;

/**
 * Shows a backup's or restore's progress on stderr: a single updating line on a terminal, a line
 * every interval in a log, or JSON events: bytes and rows per second, entries (tables, files) done
 * of the total the targets announced, and the time left, estimated from the fraction done (stored
 * bytes on a restore, rows against the catalog's estimate on a backup). Thread-safe.
 */
final class ProgressPrinter implements ProgressListener, AutoCloseable {
  private enum Mode {
    NONE,
    TERMINAL,
    LINES,
    JSON
  }

  private static final long TERMINAL_REDRAW_NANOS = 200_000_000L;

  private final Mode mode;
  private final PrintWriter err;
  private final long intervalNanos;
  private final long start = System.nanoTime();
  private long lastPrinted = System.nanoTime();
  private Progress last;
  private int drawnWidth;

  private ProgressPrinter(Mode mode, PrintWriter err, long intervalNanos) {
    this.mode = mode;
    this.err = err;
    this.intervalNanos = intervalNanos;
  }

  static ProgressPrinter none() {
    return new ProgressPrinter(Mode.NONE, null, 0);
  }

  static ProgressPrinter terminal(PrintWriter err) {
    return new ProgressPrinter(Mode.TERMINAL, err, TERMINAL_REDRAW_NANOS);
  }

  static ProgressPrinter lines(PrintWriter err, Duration every) {
    return new ProgressPrinter(Mode.LINES, err, every.toNanos());
  }

  static ProgressPrinter json(PrintWriter err) {
    return new ProgressPrinter(Mode.JSON, err, 0);
  }

  @Override
  public synchronized void onProgress(Progress p) {
    if (mode == Mode.NONE) {
      return;
    }
    boolean phaseChanged =
        last == null || last.phase() != p.phase() || !last.target().equals(p.target());
    last = p;
    long now = System.nanoTime();
    if (mode == Mode.JSON) {
      err.println(
          Json.MAPPER
              .createObjectNode()
              .put("event", "progress")
              .put("setId", p.setId())
              .put("phase", p.phase().name().toLowerCase(Locale.ROOT))
              .put("target", p.target())
              .put("bytes", p.bytes())
              .put("entries", p.entries())
              .put("totalBytes", p.totalBytes())
              .put("totalEntries", p.totalEntries())
              .put("rows", p.rows())
              .put("totalRows", p.totalRows())
              .put("elapsedMillis", (now - start) / 1_000_000)
              .put("bytesPerSecond", rate(p.bytes(), now))
              .put("rowsPerSecond", rate(p.rows(), now))
              .put("etaSeconds", eta(p, now))
              .toString());
      return;
    }
    if (now - lastPrinted < intervalNanos && !(mode == Mode.TERMINAL && phaseChanged)) {
      return;
    }
    lastPrinted = now;
    String line = describe(p, now);
    if (mode == Mode.TERMINAL) {
      err.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
      err.flush();
      drawnWidth = line.length();
    } else {
      err.println("avnology-backup: progress: " + line);
    }
  }

  private String describe(Progress p, long now) {
    long seconds = (now - start) / 1_000_000_000L;
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s %s: %s",
                p.phase().name().toLowerCase(Locale.ROOT),
                p.target().isEmpty() ? p.setId() : p.target(),
                bytes(p.bytes())));
    if (p.totalBytes() > 0) {
      b.append(" of ").append(bytes(p.totalBytes()));
    }
    b.append(", ").append(p.entries());
    if (p.totalEntries() > 0) {
      b.append('/').append(p.totalEntries());
    }
    b.append(" entries");
    if (p.rows() > 0) {
      b.append(String.format(Locale.ROOT, ", %,d rows (%,d/s)", p.rows(), rate(p.rows(), now)));
    }
    b.append(
        String.format(
            Locale.ROOT,
            ", %s/s, %d:%02d elapsed",
            bytes(rate(p.bytes(), now)),
            seconds / 60,
            seconds % 60));
    long eta = eta(p, now);
    if (eta >= 0) {
      b.append(String.format(Locale.ROOT, ", about %d:%02d left", eta / 60, eta % 60));
    }
    return b.toString();
  }

  /**
   * @return seconds left, estimated from the fraction done so far, or -1 when unknown
   */
  private long eta(Progress p, long now) {
    var done = p.fractionDone();
    if (done.isEmpty() || done.getAsDouble() <= 0.01 || p.phase() == Progress.Phase.DONE) {
      return -1;
    }
    double elapsed = (now - start) / 1e9;
    return Math.max(0, Math.round(elapsed * (1 - done.getAsDouble()) / done.getAsDouble()));
  }

  private long rate(long bytes, long now) {
    long nanos = Math.max(1, now - start);
    return (long) (bytes * 1e9 / nanos);
  }

  private static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    double v = n;
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    int u = -1;
    do {
      v /= 1024;
      u++;
    } while (v >= 1024 && u < units.length - 1);
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }

  /** Ends the terminal line so what follows starts on its own. */
  @Override
  public synchronized void close() {
    if (mode == Mode.TERMINAL && drawnWidth > 0) {
      err.println();
    }
  }
}
