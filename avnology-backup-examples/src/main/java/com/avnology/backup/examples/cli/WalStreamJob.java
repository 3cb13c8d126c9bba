package com.avnology.backup.examples.cli;

import com.avnology.backup.postgres.physical.WalStreamer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code wal-stream} job of {@code run --config}: a {@link WalStreamer} running for as long as
 * the sidecar does, restarted after a failure (it resumes where the archive ends; the slot keeps
 * what it missed). It is up while streaming; {@code /health} is 503 while it is not.
 */
final class WalStreamJob {
  private static final Logger log = LoggerFactory.getLogger(WalStreamJob.class);
  static final Duration RETRY = Duration.ofSeconds(10);

  private final String name;
  private final WalStreamer streamer;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final java.util.concurrent.CountDownLatch stopping =
      new java.util.concurrent.CountDownLatch(1);
  private final Thread thread;
  private volatile boolean up;
  private volatile String lastFailure;
  private final AtomicLong segments = new AtomicLong();

  WalStreamJob(String name, WalStreamer streamer) {
    this.name = name;
    this.streamer = streamer;
    this.thread = new Thread(this::loop, "avnology-wal-stream-" + name);
  }

  String name() {
    return name;
  }

  /** {@return whether it is streaming now} */
  boolean up() {
    return up;
  }

  /** {@return why its last run ended, if it failed} */
  String lastFailure() {
    return lastFailure;
  }

  /** {@return complete segments stored since the sidecar started} */
  long segments() {
    return segments.get();
  }

  void start() {
    thread.start();
  }

  /** Stops streaming: the partial segment is stored, then this returns. */
  void stop() throws InterruptedException {
    stop.set(true);
    stopping.countDown(); // ends a wait between retries; a running stream sees stop itself
    thread.join(Duration.ofMinutes(5).toMillis());
  }

  private void loop() {
    while (!stop.get()) {
      try {
        up = true;
        WalStreamer.Result r = streamer.run(stop::get);
        segments.addAndGet(r.segments());
        log.info(
            "wal-stream job {} stopped at {}: {} segments stored{}",
            name,
            r.flushedLsn(),
            r.segments(),
            r.partial().map(p -> ", partial " + p).orElse(""));
      } catch (RuntimeException e) {
        lastFailure = String.valueOf(e.getMessage());
        log.error(
            "wal-stream job {} failed, restarting in {} s: {}",
            name,
            RETRY.toSeconds(),
            e.getMessage());
      } finally {
        up = false;
      }
      if (stop.get()) {
        return;
      }
      try {
        stopping.await(RETRY.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
