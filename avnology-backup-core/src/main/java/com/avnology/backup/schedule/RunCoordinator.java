package com.avnology.backup.schedule;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which replica runs a job's due run: each (job, due time) is claimed once, and a job is
 * never run by two replicas at once. {@link #local()} coordinates the jobs of one process only;
 * {@link JdbcRunCoordinator} coordinates replicas through a PostgreSQL database.
 *
 * <p>Implementations are thread-safe.
 */
public interface RunCoordinator {
  /**
   * {@return the claim, held until closed, if this replica is to run it; empty if another replica
   * runs the job now or ran this due time already}
   *
   * @param job a job's name
   * @param due the due time to run
   * @throws com.avnology.backup.StorageException if the coordinator cannot be reached
   */
  Optional<Claim> claim(String job, Instant due);

  /**
   * {@return the latest due time any replica claimed for it, if the coordinator knows}
   *
   * @param job a job's name
   */
  Optional<Instant> lastClaimed(String job);

  /** A claimed run. {@link #close()} releases it; a replica that dies releases it too. */
  interface Claim extends AutoCloseable {
    /**
     * Records how the run ended.
     *
     * @param record the run
     */
    void finished(RunRecord record);

    /** Releases the claim. Throws nothing checked. */
    @Override
    void close();
  }

  /** {@return a coordinator for the jobs of this process only (no replicas)} */
  static RunCoordinator local() {
    Set<String> claimed = ConcurrentHashMap.newKeySet();
    java.util.Map<String, Instant> last = new ConcurrentHashMap<>();
    return new RunCoordinator() {
      @Override
      public Optional<Claim> claim(String job, Instant due) {
        if (!claimed.add(job + "@" + due)) {
          return Optional.empty();
        }
        last.merge(job, due, (a, b) -> a.isAfter(b) ? a : b);
        return Optional.of(
            new Claim() {
              @Override
              public void finished(RunRecord record) {}

              @Override
              public void close() {}
            });
      }

      @Override
      public Optional<Instant> lastClaimed(String job) {
        return Optional.ofNullable(last.get(job));
      }

      @Override
      public String toString() {
        return "RunCoordinator.local()";
      }
    };
  }
}
