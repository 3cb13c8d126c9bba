package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.internal.Names;
import com.avnology.backup.internal.ProgressTracker;
import com.avnology.backup.internal.RestoreRun;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan that brings a backup set back: which set, which targets, in which order.
 *
 * <pre>{@code
 * RestoreResult r = RestorePlan.builder(sink).latest()
 *     .volume("certs", Path.of("/letsencrypt"))
 *     .build()
 *     .execute();
 * }</pre>
 *
 * <p>{@link #execute()} first reads every artifact of the chosen targets and checks its size and
 * SHA-256; a damaged set fails with {@link IntegrityException} before anything is written. Targets
 * are then restored in the order they were added. One exception saves a pass over the data: a first
 * target that {@linkplain BackupTarget#verifiesWhileRestoring() verifies while restoring} (a
 * PostgreSQL database restored without {@code clean()}) checks its artifacts as it reads them and,
 * on damage, undoes what it did and throws {@link IntegrityException}; the targets after it are
 * still verified before anything is written. Call {@link #verify()} first to have everything
 * checked before anything is touched.
 *
 * <p>Immutable and thread-safe.
 */
public final class SetRestorePlan implements RestorePlan {
  private static final Logger log = LoggerFactory.getLogger(SetRestorePlan.class);

  private final BackupSink sink;
  private final String setId;
  private final List<BackupTarget> targets;
  private final ProgressListener listener;
  private final Clock clock;
  private final Encryption encryption;
  private final boolean builtInChecks;
  private final List<UserCheck> userChecks;
  private final List<UserCheck> afterSteps;

  private static int rank(BackupTarget t) {
    return switch (t.kind()) {
      case "bucket" -> 1;
      case "volume" -> 2;
      default -> 0;
        // databases, and kinds of the caller's own, as given
    };
  }

  /** A check the caller added: a name and what to run. */
  private record UserCheck(String name, java.util.concurrent.Callable<?> check) {}

  private SetRestorePlan(Builder b) {
    this.sink = b.sink;
    this.setId = b.setId;
    // the runbook's order: databases first (what the buckets' and volumes' contents are named
    // in), then buckets, then volumes; otherwise as given
    List<BackupTarget> ordered = new ArrayList<>(b.targets.values());
    ordered.sort(java.util.Comparator.comparingInt(SetRestorePlan::rank));
    this.targets = List.copyOf(ordered);
    this.afterSteps = List.copyOf(b.afterSteps);
    this.listener = b.listener;
    this.clock = b.clock;
    this.encryption = b.encryption;
    this.builtInChecks = b.builtInChecks;
    this.userChecks = List.copyOf(b.userChecks);
  }

  private BackupCatalog catalog() {
    return encryption == null
        ? BackupCatalog.of(sink)
        : BackupCatalog.builder(sink).encryption(encryption).build();
  }

  /**
   * {@return a builder restoring the latest set unless told otherwise; {@link RestorePlan#builder}
   * returns the same}
   *
   * @param sink where the set lives
   */
  public static Builder builder(BackupSink sink) {
    return new Builder(requireNonNull(sink, "null sink"));
  }

  /**
   * {@return the id of the set this plan restores: the one chosen, or the newest published now}
   *
   * @throws NotFoundException if the sink holds no set
   */
  public String resolveSetId() {
    return setId != null ? setId : latestRead().id();
  }

  private BackupCatalog.Read latestRead() {
    return BackupCatalog.of(sink)
        .latestRead()
        .orElseThrow(
            () -> new NotFoundException("no backup set in " + sink + ": run a backup first"));
  }

  /**
   * Checks the artifacts of the chosen targets, writing nothing (an incremental physical target's
   * parent sets too, up to its full backup): stored size and SHA-256, and with {@link
   * Builder#encryption(Encryption)} the manifest's HMAC and every chunk's tag too.
   *
   * @return the checks
   * @throws NotFoundException if the set, or a chosen target in it, does not exist
   * @throws KeyException if a key was given and does not open the set
   */
  public VerifyResult verify() {
    String id = resolveSetId();
    return verify(id, catalog().open(id));
  }

  private VerifyResult verify(String id, BackupCatalog.Opened opened) {
    List<Manifest.Artifact> artifacts = new ArrayList<>();
    for (BackupTarget target : targets) {
      artifacts.addAll(entry(opened.manifest(), target).artifacts());
    }
    List<VerifyResult.Check> checks =
        new ArrayList<>(catalog().verify(id, artifacts, opened.keys()).checks());
    checks.addAll(
        catalog()
            .verifyChains(id, targets.stream().map(t -> entry(opened.manifest(), t)).toList()));
    return new VerifyResult(id, checks);
  }

  @Override
  public RestoreDescription describe() {
    String id = resolveSetId();
    BackupCatalog.Opened opened = catalog().open(id);
    Manifest manifest = opened.manifest();
    List<RestoreDescription.Step> steps = new ArrayList<>();
    ProgressTracker silent = new ProgressTracker(ProgressListener.NONE, id);
    try (BackupSink.SetReader reader = sink.open(id)) {
      for (BackupTarget target : targets) {
        Manifest.Target entry = entry(manifest, target);
        String destination;
        if (manifest.encrypted() && opened.keys() == null) {
          destination = target + " (the set is encrypted: give its key to see more)";
        } else {
          try {
            destination =
                target.describeRestore(
                    new RestoreRun(
                        id, entry, reader, silent, opened.keys(), new SinkSets(sink, encryption)));
          } catch (BackupException e) {
            destination = target + " (cannot be inspected: " + e.getMessage() + ")";
          }
        }
        steps.add(
            new RestoreDescription.Step(
                target.kind() + "/" + target.name(),
                "set " + id + " in " + sink,
                entry.artifacts().size(),
                entry.artifacts().stream().mapToLong(Manifest.Artifact::size).sum(),
                destination));
      }
    }
    for (UserCheck step : afterSteps) {
      steps.add(
          new RestoreDescription.Step(
              step.name(),
              "after the restore and the built-in" + " checks",
              0,
              0,
              "runs before the user checks; a failure fails the plan"));
    }
    return new RestoreDescription(id, steps);
  }

  /**
   * Verifies, then restores every chosen target in order.
   *
   * @return what was restored
   * @throws IntegrityException if an artifact or the manifest is damaged or fails authentication;
   *     nothing was written then
   * @throws KeyException if the set is encrypted and no key, or the wrong key, was given; or a key
   *     was given and the set is not encrypted; nothing was written then
   * @throws NotFoundException if the set, or a chosen target in it, does not exist
   * @throws BackupException if a target's restore fails; the message names the target and says
   *     which targets were already restored
   * @throws RestoreInterruptedException if the process began to shut down during a target's
   *     restore; that target undid what it had done where it could (the exception says)
   */
  @Override
  public RestoreResult execute() {
    Instant start = clock.instant();
    // the newest set's manifest, read once to find it, is not read again
    BackupCatalog.Read latest = setId == null ? latestRead() : null;
    String id = latest != null ? latest.id() : resolveSetId();
    ProgressTracker progress = new ProgressTracker(listener, id);
    progress.phase(Progress.Phase.VERIFY, "");
    BackupCatalog.Opened opened = latest != null ? catalog().open(latest) : catalog().open(id);
    Manifest manifest = opened.manifest();
    if (manifest.encrypted() && opened.keys() == null) {
      throw new KeyException(
          "set "
              + id
              + " is encrypted: give its key with encryption(...);"
              + " nothing was restored");
    }
    // The manifest is authentic (with a key) and sizes and hashes of the stored bytes match it;
    // chunk tags are checked again as the targets read. A first target that verifies while
    // restoring skips this pass; any damage it meets, it undoes and reports.
    targets.forEach(t -> entry(manifest, t));
    List<BackupTarget> checkedFirst = new ArrayList<>(targets);
    if (checkedFirst.get(0).verifiesWhileRestoring()) {
      // only the first: damage in a later one must be found before the first is restored
      BackupTarget t = checkedFirst.remove(0);
      log.debug("{}/{} checks its artifacts as it restores them", t.kind(), t.name());
    }
    VerifyResult verified = catalog().verify(id, artifactsOf(manifest, checkedFirst), null);
    List<VerifyResult.Check> chain =
        catalog().verifyChains(id, targets.stream().map(t -> entry(manifest, t)).toList());
    if (chain.stream().anyMatch(c -> !c.ok())) {
      List<VerifyResult.Check> all = new ArrayList<>(verified.checks());
      all.addAll(chain);
      verified = new VerifyResult(id, all);
    }
    if (!verified.ok()) {
      throw new IntegrityException(
          "set "
              + id
              + " is damaged, nothing was restored: "
              + verified.failures().stream()
                  .map(c -> c.artifact().path() + " " + c.problem())
                  .collect(Collectors.joining("; ")));
    }
    Duration verifyTime = Duration.between(start, clock.instant());
    progress.expect(
        -1, artifactsOf(manifest, targets).stream().mapToLong(Manifest.Artifact::size).sum(), -1);
    List<TargetResult> results = new ArrayList<>();
    List<HealthCheck> checks = new ArrayList<>();
    try (BackupSink.SetReader reader = sink.open(id)) {
      preflight(id, manifest, reader, opened.keys());
      for (BackupTarget target : targets) {
        results.add(restoreOne(id, manifest, target, reader, progress, results, opened.keys()));
      }
      if (builtInChecks) {
        ProgressTracker silent = new ProgressTracker(ProgressListener.NONE, id);
        for (BackupTarget target : targets) {
          checks.addAll(
              target.checkRestored(
                  new RestoreRun(
                      id,
                      entry(manifest, target),
                      reader,
                      silent,
                      opened.keys(),
                      new SinkSets(sink, encryption))));
        }
      }
    }
    if (checks.stream().allMatch(HealthCheck::ok)) {
      for (UserCheck step : afterSteps) {
        HealthCheck done = run(step);
        checks.add(done);
        if (!done.ok()) {
          throw new BackupException(
              "set "
                  + id
                  + " was restored"
                  + (checks.size() > 1 ? " and checked" : "")
                  + ", but the step after it, "
                  + step.name()
                  + ", failed: "
                  + done.detail()
                  + "; the restored data stays as it is");
        }
      }
      for (UserCheck c : userChecks) {
        checks.add(run(c));
      }
    }
    List<HealthCheck> failed = checks.stream().filter(c -> !c.ok()).toList();
    if (!failed.isEmpty()) {
      throw new BackupException(
          "set "
              + id
              + " was restored, but the healthcheck failed: "
              + failed.stream()
                  .map(c -> c.name() + ": " + c.detail())
                  .collect(Collectors.joining("; "))
              + "; the restored data stays as it is: look at it before the stack uses it");
    }
    progress.phase(Progress.Phase.DONE, "");
    return new RestoreResult(
        id, verifyTime, Duration.between(start, clock.instant()), results, checks);
  }

  /**
   * Asks every target whether its destination would refuse the restore before any is written: with
   * several targets, a refusal met half-way would leave some restored and others not.
   */
  private void preflight(
      String id,
      Manifest manifest,
      BackupSink.SetReader reader,
      com.avnology.backup.internal.SetKeys keys) {
    ProgressTracker silent = new ProgressTracker(ProgressListener.NONE, id);
    List<String> refusals = new ArrayList<>();
    for (BackupTarget target : targets) {
      target
          .refusal(
              new RestoreRun(
                  id,
                  entry(manifest, target),
                  reader,
                  silent,
                  keys,
                  new SinkSets(sink, encryption)))
          .ifPresent(r -> refusals.add(target.kind() + "/" + target.name() + ": " + r));
    }
    if (!refusals.isEmpty()) {
      throw new BackupException(
          "nothing was restored from set " + id + ": " + String.join("; ", refusals));
    }
  }

  private static HealthCheck run(UserCheck c) {
    try {
      Object r = c.check().call();
      return Boolean.FALSE.equals(r)
          ? HealthCheck.failed(c.name(), "returned false")
          : HealthCheck.passed(c.name(), r == null || r instanceof Boolean ? "ok" : r.toString());
    } catch (Exception e) {
      return HealthCheck.failed(c.name(), e.getMessage() == null ? e.toString() : e.getMessage());
    }
  }

  private TargetResult restoreOne(
      String id,
      Manifest manifest,
      BackupTarget target,
      BackupSink.SetReader reader,
      ProgressTracker progress,
      List<TargetResult> done,
      com.avnology.backup.internal.SetKeys keys) {
    String label = target.kind() + "/" + target.name();
    Manifest.Target entry = entry(manifest, target);
    progress.phase(Progress.Phase.RESTORE, label);
    log.info("restoring {} from set {} of {}", label, id, sink);
    Instant start = clock.instant();
    long entriesBefore = progress.entries();
    try {
      target.restore(
          new RestoreRun(id, entry, reader, progress, keys, new SinkSets(sink, encryption)));
    } catch (RuntimeException e) {
      String restored =
          done.isEmpty()
              ? ""
              : " (already restored: "
                  + done.stream().map(r -> r.kind() + "/" + r.name()).toList()
                  + ")";
      String message =
          "restore of " + label + " from set " + id + " failed: " + e.getMessage() + restored;
      if (e instanceof RestoreInterruptedException i) {
        throw new RestoreInterruptedException(
            message, i.destinationUnchanged() && done.isEmpty(), e);
      }
      if (e instanceof IntegrityException) {
        throw new IntegrityException(message, e);
      }
      throw new BackupException(message, e);
    }
    return new TargetResult(
        target.kind(),
        target.name(),
        Duration.between(start, clock.instant()),
        progress.entries() - entriesBefore,
        entry.artifacts());
  }

  private static List<Manifest.Artifact> artifactsOf(
      Manifest manifest, List<BackupTarget> targets) {
    List<Manifest.Artifact> artifacts = new ArrayList<>();
    for (BackupTarget target : targets) {
      artifacts.addAll(entry(manifest, target).artifacts());
    }
    return artifacts;
  }

  private static Manifest.Target entry(Manifest manifest, BackupTarget target) {
    return manifest
        .target(target.kind(), target.name())
        .orElseThrow(
            () ->
                new NotFoundException(
                    "set "
                        + manifest.id()
                        + " holds no "
                        + target.kind()
                        + "/"
                        + target.name()
                        + "; it holds "
                        + manifest.targets().stream()
                            .map(t -> t.kind() + "/" + t.name())
                            .toList()));
  }

  @Override
  public String toString() {
    return "SetRestorePlan[set="
        + (setId == null ? "latest" : setId)
        + ", targets="
        + targets.stream().map(t -> t.kind() + "/" + t.name()).toList()
        + ", sink="
        + sink
        + "]";
  }

  /** Collects a restore's settings. {@link #build()} leaves it unchanged. Not thread-safe. */
  public static final class Builder {
    private final BackupSink sink;
    private final Map<String, BackupTarget> targets = new LinkedHashMap<>();
    private String setId;
    private ProgressListener listener = ProgressListener.NONE;
    private Clock clock = Clock.systemUTC();
    private Encryption encryption;
    private boolean builtInChecks;
    private final List<UserCheck> userChecks = new ArrayList<>();
    private final List<UserCheck> afterSteps = new ArrayList<>();

    private Builder(BackupSink sink) {
      this.sink = sink;
    }

    /**
     * After the restore, checks that every target holds what the backup recorded: a database's
     * tables their row counts, a bucket its objects and bytes, a volume its files and bytes. A
     * failed check fails the restore (the restored data stays).
     *
     * @return this builder
     */
    public Builder healthcheck() {
      this.builtInChecks = true;
      return this;
    }

    /**
     * Adds a check of the caller's, run after the restore and the built-in checks: it passes when
     * it returns anything but {@code false} without throwing.
     *
     * @param name what it checks, for the report
     * @param check what to run
     * @return this builder
     */
    public Builder healthcheck(String name, java.util.concurrent.Callable<?> check) {
      userChecks.add(
          new UserCheck(requireNonNull(name, "null name"), requireNonNull(check, "null check")));
      return this;
    }

    /**
     * Adds a step run after every target is restored and the built-in checks passed, before the
     * caller's checks: migrations to the latest schema, say. Its result is reported with the
     * checks; a step that throws fails the plan (the restored data stays).
     *
     * @param name what it does, for the report
     * @param step what to run; what it returns is the report's detail
     * @return this builder
     */
    public Builder afterRestore(String name, java.util.concurrent.Callable<?> step) {
      afterSteps.add(
          new UserCheck(requireNonNull(name, "null name"), requireNonNull(step, "null step")));
      return this;
    }

    /**
     * Adds a check that an HTTP URL answers a GET with a 2xx status within 10 seconds (the stack's
     * own health endpoint, say).
     *
     * @param url the URL; its query string is not printed (it may hold a token)
     * @return this builder
     * @throws IllegalArgumentException if it is not http or https
     */
    public Builder healthcheckUrl(java.net.URI url) {
      requireNonNull(url, "null url");
      if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
        throw new IllegalArgumentException(
            "healthcheck URL must be http or https: " + url.getScheme() + "://" + url.getHost());
      }
      String shown = url.getScheme() + "://" + url.getAuthority() + url.getPath();
      return healthcheck(
          "GET " + shown, () -> com.avnology.backup.internal.HttpCheck.get(url, shown));
    }

    /**
     * {@return this builder}
     *
     * @param encryption the key of an encrypted set: the manifest is authenticated and the
     *     artifacts decrypted with it; {@code null} (the default) reads unencrypted sets only
     */
    public Builder encryption(Encryption encryption) {
      this.encryption = encryption;
      return this;
    }

    /** {@return this builder, restoring the newest set published when the plan executes} */
    public Builder latest() {
      this.setId = null;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param setId the id of the set to restore
     * @throws IllegalArgumentException if the id is not a set id
     */
    public Builder set(String setId) {
      this.setId = Names.checkSetId(requireNonNull(setId, "null setId"));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param target a target to restore; its kind and name pick its artifacts from the set
     * @throws IllegalStateException if a target of that kind and name was already added (as {@code
     *     Backup.Builder.build()} refuses two targets of one name)
     */
    public Builder target(BackupTarget target) {
      requireNonNull(target, "null target");
      String key = target.kind() + "/" + target.name();
      if (targets.putIfAbsent(key, target) != null) {
        throw new IllegalStateException(
            "two targets are named " + key + ": give each a distinct name");
      }
      return this;
    }

    /**
     * Restores a volume into a directory, which must be empty or absent.
     *
     * @param name the volume's name in the set
     * @param directory where to restore it
     * @return this builder
     */
    public Builder volume(String name, Path directory) {
      return target(VolumeTarget.of(name, directory));
    }

    /**
     * {@return this builder}
     *
     * @param listener told of progress; must be thread-safe
     */
    public Builder listener(ProgressListener listener) {
      this.listener = requireNonNull(listener, "null listener");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param clock the time source for durations
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "null clock");
      return this;
    }

    /**
     * {@return the plan}
     *
     * @throws IllegalStateException if no target was added
     */
    public SetRestorePlan build() {
      if (targets.isEmpty()) {
        throw new IllegalStateException(
            "no target to restore: call target(...) or volume(...) before build()");
      }
      return new SetRestorePlan(this);
    }
  }
}
