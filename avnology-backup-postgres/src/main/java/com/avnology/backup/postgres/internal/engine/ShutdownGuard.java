package com.avnology.backup.postgres.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the JVM from exiting in the middle of a restore. While installed, a shutdown (SIGINT,
 * SIGTERM, {@code System.exit}) cancels what the restore's connections are running and waits for
 * the restore to undo itself, up to {@link #UNDO_WAIT}; the restore sees {@link #interrupted()}
 * between statements and reports that it was interrupted. SIGKILL cannot be caught: see the restore
 * markers.
 *
 * <p>Thread-safe.
 */
public final class ShutdownGuard implements AutoCloseable {
  /** How long a shutdown waits for the undo. */
  static final Duration UNDO_WAIT = Duration.ofMinutes(5);

  private static final Logger log = LoggerFactory.getLogger(ShutdownGuard.class);

  private final String what;
  private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Thread hook;
  private volatile boolean interrupted;
  private volatile String outcome;

  private ShutdownGuard(String what) {
    this.what = what;
    this.hook = new Thread(this::onShutdown, "avnology-restore-shutdown");
  }

  /**
   * {@return a guard, installed}
   *
   * @param what the restore, for messages
   */
  public static ShutdownGuard install(String what) {
    ShutdownGuard g = new ShutdownGuard(what);
    try {
      Runtime.getRuntime().addShutdownHook(g.hook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down: do not start
      g.interrupted = true;
    }
    return g;
  }

  /**
   * Watches a connection.
   *
   * @param c a connection whose statement a shutdown cancels
   */
  public void watch(Connection c) {
    connections.add(c);
  }

  /**
   * Stops watching a connection.
   *
   * @param c a connection no longer used
   */
  public void unwatch(Connection c) {
    connections.remove(c);
  }

  /** {@return whether a shutdown began while the restore ran} */
  public boolean interrupted() {
    return interrupted;
  }

  private void onShutdown() {
    interrupted = true;
    log.warn("shutting down during the restore of {}: undoing it before the process exits", what);
    for (Connection c : connections) {
      try {
        c.unwrap(PGConnection.class).cancelQuery();
      } catch (SQLException | RuntimeException ignored) {
        // gone already
      }
    }
    try {
      if (!finished.await(UNDO_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        log.error(
            "the undo of {} did not finish within {}: the process exits anyway", what, UNDO_WAIT);
      } else if (outcome != null) {
        log.warn("the restore of {} was interrupted: {}", what, outcome);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Records what an interrupted restore left.
   *
   * @param state what an interrupted restore left, logged by the shutdown that interrupted it (the
   *     caller may not get to report it before the process exits)
   */
  public void outcome(String state) {
    this.outcome = state;
  }

  /** Marks the restore finished (done, failed or undone) and uninstalls the guard. */
  @Override
  public void close() {
    finished.countDown();
    if (!interrupted) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // shutting down: the hook runs and returns at once
      }
    }
  }
}
