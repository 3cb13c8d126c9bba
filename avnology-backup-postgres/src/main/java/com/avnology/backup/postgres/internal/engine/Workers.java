package com.avnology.backup.postgres.internal.engine;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link TaskScheduler}'s tasks on a fixed set of connections, one thread per connection.
 * The first failure stops the hand-out; running tasks finish or fail, then it is rethrown.
 */
public final class Workers {
  /**
   * What a worker does with one task.
   *
   * @param <T> the payload
   */
  @FunctionalInterface
  public interface Action<T> {
    /**
     * @param connection the worker's connection
     * @param payload the task's payload
     * @throws Exception on failure
     */
    void run(Connection connection, T payload) throws Exception;
  }

  private Workers() {}

  /**
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
    AtomicInteger n = new AtomicInteger();
    for (Connection c : connections) {
      Thread t = new Thread(() -> loop(c, scheduler, action), name + "-" + n.incrementAndGet());
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

  private static <T> void loop(Connection c, TaskScheduler<T> scheduler, Action<T> action) {
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
        scheduler.failed(task, e);
        return;
      }
    }
  }
}
