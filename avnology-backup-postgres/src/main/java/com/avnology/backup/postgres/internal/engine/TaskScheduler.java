package com.avnology.backup.postgres.internal.engine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Hands tasks to worker threads the way {@code pg_restore -j} does: a task is ready when every task
 * it depends on is done and no running task holds a lock it conflicts with; among ready tasks, the
 * heaviest goes first, then the earliest. Dependencies on ids that are not tasks here count as
 * done. Thread-safe.
 *
 * @param <T> the payload
 */
final class TaskScheduler<T> {
  /**
   * One task.
   *
   * @param id unique id (a dump id)
   * @param deps ids this task waits for
   * @param locks names of what it locks (tables); shared locks never conflict with each other
   * @param exclusive whether its locks conflict with any other task's lock on the same name
   * @param weight bigger first
   * @param order tie-break: smaller first
   * @param payload what to run
   * @param <T> the payload
   */
  public record Task<T>(
      int id,
      Collection<Integer> deps,
      Set<String> locks,
      boolean exclusive,
      long weight,
      int order,
      T payload) {}

  private static final Comparator<Task<?>> PRIORITY =
      Comparator.<Task<?>>comparingLong(t -> -t.weight())
          .thenComparingInt(Task::order)
          .thenComparingInt(Task::id);

  /** Tasks not handed out yet. */
  private final Map<Integer, Task<T>> pending = new HashMap<>();

  /** Pending tasks whose dependencies are all done, in the order they are preferred. */
  private final TreeSet<Task<T>> ready = new TreeSet<>(PRIORITY);

  /** For a pending task, how many of its dependencies are not done. */
  private final Map<Integer, Integer> waitingFor = new HashMap<>();

  /** For a task, the pending tasks that wait for it. */
  private final Map<Integer, List<Task<T>>> dependents = new HashMap<>();

  private final Set<Integer> unfinished = new HashSet<>();
  private final List<Task<T>> running = new ArrayList<>();
  private Throwable failure;

  /**
   * @param tasks the tasks to schedule
   */
  public TaskScheduler(Collection<Task<T>> tasks) {
    for (Task<T> t : tasks) {
      if (pending.put(t.id(), t) != null) {
        throw new IllegalArgumentException("two tasks with id " + t.id());
      }
      unfinished.add(t.id());
    }
    for (Task<T> t : tasks) {
      int waiting = 0;
      for (Integer dep : new HashSet<>(t.deps())) {
        if (pending.containsKey(dep) && dep != t.id()) {
          dependents.computeIfAbsent(dep, k -> new ArrayList<>()).add(t);
          waiting++;
        }
      }
      if (waiting == 0) {
        ready.add(t);
      } else {
        waitingFor.put(t.id(), waiting);
      }
    }
  }

  /**
   * Blocks until a task is ready, or every task is done, or a task failed.
   *
   * @return the next task, or null when there is nothing more to do
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized Task<T> take() throws InterruptedException {
    while (true) {
      if (failure != null || pending.isEmpty()) {
        return null;
      }
      Task<T> next = null;
      for (Task<T> t : ready) {
        if (!conflicts(t)) {
          next = t;
          break;
        }
      }
      if (next != null) {
        ready.remove(next);
        pending.remove(next.id());
        running.add(next);
        return next;
      }
      if (running.isEmpty()) {
        throw new IllegalStateException("tasks wait for each other: " + pending.keySet());
      }
      wait();
    }
  }

  /**
   * Marks a task done.
   *
   * @param task a task that finished successfully
   */
  public synchronized void done(Task<T> task) {
    removeSame(running, task);
    unfinished.remove(task.id());
    for (Task<T> d : dependents.getOrDefault(task.id(), List.of())) {
      int left = waitingFor.merge(d.id(), -1, Integer::sum);
      if (left == 0) {
        waitingFor.remove(d.id());
        ready.add(d);
      }
    }
    dependents.remove(task.id());
    notifyAll();
  }

  /**
   * Stops handing out tasks; the first failure is kept.
   *
   * @param task the task that failed
   * @param e why
   * @return whether this was the first failure
   */
  public synchronized boolean failed(Task<T> task, Throwable e) {
    removeSame(running, task);
    boolean first = failure == null;
    if (first) {
      failure = e;
    }
    notifyAll();
    return first;
  }

  /**
   * Removes the task itself, compared by identity: a record's {@code equals} would compare every
   * component down to the payload, and its first use costs a bootstrap of the JDK's record methods
   * that a short CLI run pays for in start-up time.
   */
  @SuppressWarnings("ReferenceEquality") // identity is the point
  private static <T> void removeSame(List<Task<T>> tasks, Task<T> task) {
    for (java.util.Iterator<Task<T>> it = tasks.iterator(); it.hasNext(); ) {
      if (it.next() == task) {
        it.remove();
        return;
      }
    }
  }

  /** {@return the first failure, or null} */
  public synchronized Throwable failure() {
    return failure;
  }

  /** {@return ids of tasks never finished} */
  public synchronized Set<Integer> unfinished() {
    return Set.copyOf(unfinished);
  }

  /** Whether a task's locks conflict with a running task's. */
  private boolean conflicts(Task<T> t) {
    for (Task<T> r : running) {
      if (t.exclusive() || r.exclusive()) {
        for (String lock : t.locks()) {
          if (r.locks().contains(lock)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
