package com.avnology.backup.retention;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link Pruner} decided, set by set, and what it did to the WAL archive.
 *
 * @param dryRun true if nothing was deleted (the decisions are what a prune would do)
 * @param policy the policy applied, as text (such as {@code keep-days 30, keep-last 3})
 * @param now the clock's time the decisions were made at
 * @param sets one decision per published set, newest first
 * @param walExpired names of the WAL files deleted (or, in a dry run, that would be), sorted
 * @param walKeptFrom the first WAL segment kept (that of the oldest kept base backup), if the sink
 *     holds physical base backups
 */
public record PruneReport(
    boolean dryRun,
    String policy,
    Instant now,
    List<Decision> sets,
    List<String> walExpired,
    Optional<String> walKeptFrom) {

  /**
   * Validates and copies.
   *
   * @param dryRun true if nothing was deleted (the decisions are what a prune would do)
   * @param policy the policy applied, as text (such as {@code keep-days 30, keep-last 3})
   * @param now the clock's time the decisions were made at
   * @param sets one decision per published set, newest first
   * @param walExpired names of the WAL files deleted (or, in a dry run, that would be), sorted
   * @param walKeptFrom the first WAL segment kept (that of the oldest kept base backup), if the
   *     sink holds physical base backups
   */
  public PruneReport {
    requireNonNull(policy, "null policy");
    requireNonNull(now, "null now");
    sets = List.copyOf(sets);
    walExpired = List.copyOf(walExpired);
    requireNonNull(walKeptFrom, "null walKeptFrom");
  }

  /** {@return the decisions that keep a set} */
  public List<Decision> kept() {
    return sets.stream().filter(Decision::keep).toList();
  }

  /** {@return the decisions that delete a set} */
  public List<Decision> deleted() {
    return sets.stream().filter(d -> !d.keep()).toList();
  }

  /**
   * One set's fate.
   *
   * @param setId the set
   * @param startedAt when its backup started (its id's time if its manifest cannot be read)
   * @param targets its targets as {@code kind/name}, empty if its manifest cannot be read
   * @param keep whether it stays
   * @param reasons the rules that keep it, or the one line saying why it goes
   */
  public record Decision(
      String setId, Instant startedAt, List<String> targets, boolean keep, List<String> reasons) {
    /**
     * Validates and copies.
     *
     * @param setId the set
     * @param startedAt when its backup started (its id's time if its manifest cannot be read)
     * @param targets its targets as {@code kind/name}, empty if its manifest cannot be read
     * @param keep whether it stays
     * @param reasons the rules that keep it, or the one line saying why it goes
     */
    public Decision {
      requireNonNull(setId, "null setId");
      requireNonNull(startedAt, "null startedAt");
      targets = List.copyOf(targets);
      reasons = List.copyOf(reasons);
    }
  }
}
