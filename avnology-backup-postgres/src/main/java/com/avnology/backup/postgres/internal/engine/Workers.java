package com.avnology.backup.postgres.internal.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Runs a {@link TaskScheduler}'s tasks on a fixed set of connections, one thread per connection.
 * The first failure stops the hand-out and cancels what the other connections are running (a long
 * COPY would otherwise hold up the undo for as long as it takes); once every worker has stopped,
 * that first failure is rethrown.
 */
final class Workers {
  /**
   * What a worker does with one task.
   *
   * @param <T> the payload
   */
  @FunctionalInterface
  public interface Action<T> {
    /**
     * Runs one task.
     *
     * @param connection the worker's connection
     * @param payload the task's payload
     * @throws Exception on failure
     */
    void run(Connection connection, T payload) throws Exception;
  }

  private Workers() {}

  /**
   * Runs the scheduler's tasks on one thread per connection.
   *
   * @param connections one per worker
   * @param scheduler the tasks
   * @param action what to do with each
   * @param name thread name prefix
   * @param <T> the payload
   * @throws Exception the first failure
   */
  public static <T> void run(
      List<Connection> connections, TaskScheduler<T> scheduler, Action<T> action, String name)
      throws Exception {
    List<Thread> threads = new ArrayList<>();
    int n = 0;
    for (Connection c : connections) {
      Thread t = new Thread(() -> loop(c, connections, scheduler, action), name + "-" + ++n);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    Throwable failure = scheduler.failure();
    if (failure instanceof Exception e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
  }

  /** Asks the server to cancel whatever the other connections are running; best effort. */
  private static void cancelOthers(Connection failed, List<Connection> all) {
    for (Connection other : all) {
      if (other == failed) {
        continue;
      }
      try {
        other.unwrap(PGConnection.class).cancelQuery();
      } catch (SQLException | RuntimeException ignored) {
        // the connection may be gone already; the first failure is what is reported
      }
    }
  }

  private static <T> void loop(
      Connection c, List<Connection> all, TaskScheduler<T> scheduler, Action<T> action) {
    while (true) {
      TaskScheduler.Task<T> task;
      try {
        task = scheduler.take();
      } catch (InterruptedException | RuntimeException e) {
        scheduler.failed(null, e);
        return;
      }
      if (task == null) {
        return;
      }
      try {
        action.run(c, task.payload());
        scheduler.done(task);
      } catch (Throwable e) {
        if (scheduler.failed(task, e)) {
          cancelOthers(c, all);
        }
        return;
      }
    }
  }
}
