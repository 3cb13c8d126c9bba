package com.avnology.backup.retention;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupSink;
import com.avnology.backup.Manifest;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.StorageException;
import com.avnology.backup.internal.Names;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a {@link RetentionPolicy} to the sets of a sink.
 *
 * <p>The policy is applied per target (its kind and name, such as {@code postgres/main} or {@code
 * volume/certs}, read from the manifests): a set holding several targets stays while any of them
 * keeps it. Whatever the policy says, the newest good set of every target stays: the newest one
 * that is published and whose artifacts all match their recorded size and SHA-256 (read in full to
 * check, newest first until one matches). A set whose manifest cannot be read is never deleted (its
 * targets are unknown); it is reported.
 *
 * <p>Physical base backups ({@code physical} kind) are kept as chains: a kept incremental keeps the
 * set it builds on (its manifest's {@code parent} metadata, a set id), up to its full, so an
 * incremental never outlives its full. With {@link RetentionPolicy#keepDays()} the newest base
 * backup that stopped before the window's start is kept as well, so that a point-in-time recovery
 * to any moment in the window has a base backup. Archived WAL positioned before the oldest kept
 * base backup's first segment is then expired; WAL from there on stays.
 *
 * <p>Deletion is safe to interrupt: each set is deleted newest first (an incremental before its
 * full) and unpublished first (its manifest goes before its artifacts, as {@link
 * BackupSink#delete(String)} does), so a killed prune never leaves a set that lists as good with
 * parts missing; its unpublished leftovers are swept by the sink's next backup.
 *
 * <p>Immutable and thread-safe; two prunes of one sink at once may both try to delete a set, which
 * the second one skips.
 */
public final class Pruner {
  private static final Logger log = LoggerFactory.getLogger(Pruner.class);

  /** The kind of physical base backups ({@code PhysicalTarget.KIND} of the postgres module). */
  static final String PHYSICAL = "physical";

  private final BackupSink sink;
  private final RetentionPolicy policy;
  private final Clock clock;

  private Pruner(Builder b) {
    this.sink = b.sink;
    this.policy = b.policy;
    this.clock = b.clock;
  }

  /**
   * {@return a builder}
   *
   * @param sink the sink to prune
   * @param policy what to keep
   */
  public static Builder builder(BackupSink sink, RetentionPolicy policy) {
    return new Builder(requireNonNull(sink, "null sink"), requireNonNull(policy, "null policy"));
  }

  /**
   * Decides without deleting anything: what {@link #prune()} would do now.
   *
   * @return every set with the rules that keep it or why it would go, and the WAL that would expire
   * @throws NotFoundException if the sink does not exist
   * @throws StorageException if the sink cannot be read
   */
  public PruneReport dryRun() {
    return run(true);
  }

  /**
   * Deletes the sets the policy lets go, then the WAL no kept base backup needs.
   *
   * @return every set with the rules that kept it or why it went, and the WAL expired
   * @throws NotFoundException if the sink does not exist
   * @throws StorageException if the sink cannot be read, or a deletion fails (the message says
   *     which set and what was deleted before; run the prune again)
   */
  public PruneReport prune() {
    return run(false);
  }

  private PruneReport run(boolean dryRun) {
    Instant now = clock.instant();
    BackupCatalog catalog = BackupCatalog.of(sink);
    List<BackupCatalog.Entry> entries = catalog.entries();
    Map<String, List<String>> keep =
        new KeepDecider(catalog, policy, now, clock.getZone()).decide(entries);
    List<PruneReport.Decision> decisions = new ArrayList<>();
    for (BackupCatalog.Entry entry : entries) {
      Optional<Manifest> manifest = entry.manifest();
      Instant started =
          manifest
              .map(Manifest::startedAt)
              .or(() -> Names.startedAt(entry.id()))
              .orElse(Instant.EPOCH);
      List<String> targets =
          manifest
              .map(m -> m.targets().stream().map(t -> t.kind() + "/" + t.name()).toList())
              .orElse(List.of());
      List<String> reasons = keep.get(entry.id());
      decisions.add(
          reasons != null
              ? new PruneReport.Decision(entry.id(), started, targets, true, reasons)
              : new PruneReport.Decision(
                  entry.id(),
                  started,
                  targets,
                  false,
                  List.of(
                      "no rule of "
                          + policy
                          + " keeps it, and a newer good set of each of its"
                          + " targets exists")));
    }
    Optional<String> walFrom = oldestKeptWal(entries, keep);
    List<String> walExpired = walFrom.map(this::expiredWal).orElse(List.of());
    if (!dryRun) {
      delete(decisions);
      if (!walExpired.isEmpty()) {
        sink.deleteObjects(walExpired);
        log.info("expired {} WAL files before {} in {}", walExpired.size(), walFrom.get(), sink);
      }
    }
    return new PruneReport(
        dryRun,
        policy.toString(),
        now,
        decisions,
        walExpired.stream().map(WalExpiry::name).toList(),
        walFrom);
  }

  private void delete(List<PruneReport.Decision> decisions) {
    int deleted = 0;
    for (PruneReport.Decision d : decisions) {
      if (d.keep()) {
        continue;
      }
      try {
        sink.delete(d.setId());
        deleted++;
        log.info(
            "deleted set {} ({}) from {}: {}", d.setId(), d.targets(), sink, d.reasons().get(0));
      } catch (NotFoundException e) {
        log.debug("set {} was deleted by someone else meanwhile", d.setId());
      } catch (StorageException e) {
        throw new StorageException(
            "prune of "
                + sink
                + " stopped at set "
                + d.setId()
                + " after"
                + " deleting "
                + deleted
                + " sets: "
                + e.getMessage()
                + "; that set is unpublished"
                + " or whole, never half-listed: run the prune again",
            e);
      }
    }
  }

  /**
   * @return the first WAL segment of the oldest kept base backup, if any base backup is kept
   */
  private Optional<String> oldestKeptWal(
      List<BackupCatalog.Entry> entries, Map<String, List<String>> keep) {
    Manifest.Target oldest = null;
    Instant oldestStart = null;
    for (BackupCatalog.Entry entry : entries) {
      if (entry.damaged() || !keep.containsKey(entry.id())) {
        continue;
      }
      Manifest m = entry.manifest().orElseThrow();
      for (Manifest.Target t : m.targets()) {
        if (t.kind().equals(PHYSICAL)
            && (oldestStart == null || m.startedAt().isBefore(oldestStart))) {
          oldest = t;
          oldestStart = m.startedAt();
        }
      }
    }
    if (oldest == null) {
      return Optional.empty();
    }
    String first = oldest.metadata().get("wal_first");
    if (!WalExpiry.isSegment(first)) {
      log.warn(
          "the oldest kept base backup ({}) records no first WAL segment (wal_first: {}),"
              + " so no WAL is expired; take a new base backup with this version",
          oldestStart,
          first);
      return Optional.empty();
    }
    return Optional.of(first);
  }

  private List<String> expiredWal(String firstKept) {
    return WalExpiry.expired(sink.listObjects("wal/"), firstKept);
  }

  @Override
  public String toString() {
    return "Pruner[" + sink + ", " + policy + "]";
  }

  /** Collects a pruner's settings. Not thread-safe. */
  public static final class Builder {
    private final BackupSink sink;
    private final RetentionPolicy policy;
    private Clock clock = Clock.systemUTC();

    private Builder(BackupSink sink, RetentionPolicy policy) {
      this.sink = sink;
      this.policy = policy;
    }

    /**
     * {@return this builder}
     *
     * @param clock the time the policy counts days from, and whose zone tells days, weeks and
     *     months apart; the system UTC clock by default
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "null clock");
      return this;
    }

    /** {@return the pruner} */
    public Pruner build() {
      return new Pruner(this);
    }
  }
}
