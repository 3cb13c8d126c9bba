package com.avnology.backup.s3;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupException;
import com.avnology.backup.s3.internal.MirrorCopier;
import com.avnology.backup.s3.internal.MirrorPlanner;
import com.avnology.backup.s3.internal.Retry;
import com.avnology.backup.s3.internal.S3Ops;
import io.minio.MinioAsyncClient;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a destination bucket hold what a source bucket holds, like {@code mc mirror}: same or
 * different servers (two clients), objects compared by size and checksum so that a change keeping
 * the size is still copied, {@link Builder#overwrite(boolean)} and {@link Builder#remove(boolean)}
 * as {@code mc mirror --overwrite --remove}, copies in parallel.
 *
 * <pre>{@code
 * MirrorResult r = BucketMirror.builder(prodClient, "avatars", drClient, "avatars")
 *     .overwrite(true).remove(true).build().run();
 * }</pre>
 *
 * <p>A run that would delete more than {@link Builder#maxRemoveShare(double)} of the destination
 * (half by default) refuses before doing anything, unless {@link Builder#force(boolean)}: an empty
 * or wrong source must not wipe the copy. {@link #plan()} returns the plan, with the guard's
 * verdict, and changes nothing. Content type and user metadata are copied; tags are not.
 *
 * <p>Immutable and thread-safe. The clients are the caller's and are never closed.
 */
public final class BucketMirror {
  private static final Logger log = LoggerFactory.getLogger(BucketMirror.class);

  private final MirrorPlanner planner;
  private final MirrorCopier copier;
  private final S3Ops target;
  private final String targetPrefix;
  private final String description;
  private final boolean overwrite;
  private final boolean remove;
  private final boolean force;
  private final double maxRemoveShare;
  private final int parallelism;

  private BucketMirror(Builder b) {
    Retry retry = Retry.of(b.retry);
    S3Ops source = new S3Ops(b.sourceClient, b.sourceBucket, null, null, retry);
    this.target = new S3Ops(b.targetClient, b.targetBucket, null, null, retry);
    this.targetPrefix = b.targetPrefix;
    this.planner = new MirrorPlanner(source, b.sourcePrefix, target, b.targetPrefix);
    this.copier =
        new MirrorCopier(
            new S3Ops(b.sourceClient, b.sourceBucket, null, null, Retry.NONE),
            b.sourcePrefix,
            new S3Ops(b.targetClient, b.targetBucket, null, null, Retry.NONE),
            b.targetPrefix,
            retry);
    this.description =
        "s3://"
            + b.sourceBucket
            + "/"
            + b.sourcePrefix
            + " -> s3://"
            + b.targetBucket
            + "/"
            + b.targetPrefix;
    this.overwrite = b.overwrite;
    this.remove = b.remove;
    this.force = b.force;
    this.maxRemoveShare = b.maxRemoveShare;
    this.parallelism = b.parallelism;
  }

  /**
   * {@return a builder}
   *
   * @param source a MinIO SDK asynchronous client ({@code MinioAsyncClient.builder()}) for the
   *     source's server
   * @param sourceBucket the bucket to copy from
   * @param target a client for the destination's server; may be the same client
   * @param targetBucket the bucket to copy into; it must exist
   * @throws IllegalArgumentException if a bucket name is not valid
   */
  public static Builder builder(
      MinioAsyncClient source, String sourceBucket, MinioAsyncClient target, String targetBucket) {
    return new Builder(source, sourceBucket, target, targetBucket);
  }

  /**
   * Works out what {@link #run()} would do, changing nothing. Objects whose ETags are not plain
   * MD5s (multipart uploads) are read to compare them.
   *
   * @return the copies, removals and kept differing objects, in key order
   * @throws BackupException if a bucket cannot be listed or read
   */
  public List<MirrorAction> dryRun() {
    return plan().actions();
  }

  /**
   * Works out what {@link #run()} would do, changing nothing, including whether the mass-delete
   * guard would refuse the run ({@link MirrorPlan#refused()}): a dry run reports a refusal as the
   * real run would.
   *
   * @return the plan
   * @throws BackupException if a bucket cannot be listed or read
   */
  public MirrorPlan plan() {
    MirrorPlanner.Plan plan = planner.plan(overwrite, remove);
    long removals = of(plan, MirrorAction.Type.REMOVE).size();
    return new MirrorPlan(
        plan.planned(), plan.destinationCount(), refusal(removals, plan.destinationCount()));
  }

  /**
   * Copies what is missing or different, then removes what the source lacks (if removal is on).
   *
   * @return what was done
   * @throws BackupException if the run would remove more than the allowed share of the destination
   *     (nothing is done then), or a copy or removal fails
   */
  public MirrorResult run() {
    Instant start = Instant.now();
    target.requireBucket();
    MirrorPlanner.Plan plan = planner.plan(overwrite, remove);
    List<MirrorAction> copies = of(plan, MirrorAction.Type.COPY);
    List<MirrorAction> removals = of(plan, MirrorAction.Type.REMOVE);
    List<String> kept = of(plan, MirrorAction.Type.KEEP).stream().map(MirrorAction::key).toList();
    checkRemovals(removals.size(), plan.destinationCount());
    long bytes = copier.copy(copies, parallelism);
    target.remove(removals.stream().map(a -> targetPrefix + a.key()).toList());
    MirrorResult result =
        new MirrorResult(
            copies.size(),
            removals.size(),
            plan.identical() + kept.size(),
            bytes,
            kept,
            java.time.Duration.between(start, Instant.now()));
    log.info(
        "mirrored {}: {} copied ({} bytes), {} removed, {} skipped",
        description,
        result.copied(),
        bytes,
        result.removed(),
        result.skipped());
    if (!kept.isEmpty()) {
      log.warn(
          "{} objects differ but were kept because overwrite is off: {}",
          kept.size(),
          kept.subList(0, Math.min(10, kept.size())));
    }
    return result;
  }

  private void checkRemovals(long removals, long destination) {
    String refusal = refusal(removals, destination);
    if (refusal != null) {
      throw new BackupException(refusal);
    }
  }

  /**
   * @return why the mass-delete guard refuses, or {@code null} if it does not
   */
  private String refusal(long removals, long destination) {
    if (force || removals == 0 || removals <= maxRemoveShare * destination) {
      return null;
    }
    return String.format(
        java.util.Locale.ROOT,
        "mirror %s would remove %d of the %d objects in the destination (%.0f%%), more than the"
            + " %.0f%% allowed; nothing was done. Check the source, or call force(true) to"
            + " remove them",
        description,
        removals,
        destination,
        100.0 * removals / destination,
        100 * maxRemoveShare);
  }

  private static List<MirrorAction> of(MirrorPlanner.Plan plan, MirrorAction.Type type) {
    return plan.planned().stream().filter(a -> a.type() == type).toList();
  }

  @Override
  public String toString() {
    return "BucketMirror["
        + description
        + (overwrite ? ", overwrite" : "")
        + (remove ? ", remove" : "")
        + "]";
  }

  /** Collects a mirror's settings. {@link #build()} leaves it unchanged. Not thread-safe. */
  public static final class Builder {
    private final MinioAsyncClient sourceClient;
    private final String sourceBucket;
    private final MinioAsyncClient targetClient;
    private final String targetBucket;
    private String sourcePrefix = "";
    private String targetPrefix = "";
    private boolean overwrite;
    private boolean remove;
    private boolean force;
    private double maxRemoveShare = 0.5;
    private int parallelism = 4;
    private RetryPolicy retry = RetryPolicy.defaults();

    private Builder(
        MinioAsyncClient source,
        String sourceBucket,
        MinioAsyncClient target,
        String targetBucket) {
      this.sourceClient = requireNonNull(source, "null source");
      this.sourceBucket = S3Sink.checkBucket(requireNonNull(sourceBucket, "null sourceBucket"));
      this.targetClient = requireNonNull(target, "null target");
      this.targetBucket = S3Sink.checkBucket(requireNonNull(targetBucket, "null targetBucket"));
    }

    /**
     * {@return this builder}
     *
     * @param prefix mirror only source objects under this prefix; keys are taken relative to it
     * @throws IllegalArgumentException if it is not a key prefix
     */
    public Builder sourcePrefix(String prefix) {
      this.sourcePrefix = S3Sink.checkPrefix(requireNonNull(prefix, "null prefix"));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param prefix where in the destination the objects go; removal looks only under it
     * @throws IllegalArgumentException if it is not a key prefix
     */
    public Builder targetPrefix(String prefix) {
      this.targetPrefix = S3Sink.checkPrefix(requireNonNull(prefix, "null prefix"));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param overwrite whether destination objects that differ are replaced; off by default, when
     *     they are kept and reported in {@link MirrorResult#kept()}
     */
    public Builder overwrite(boolean overwrite) {
      this.overwrite = overwrite;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param remove whether destination objects missing from the source are deleted; off by default
     */
    public Builder remove(boolean remove) {
      this.remove = remove;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param force whether removal may exceed {@link #maxRemoveShare(double)}; off by default
     */
    public Builder force(boolean force) {
      this.force = force;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param share the largest part of the destination a run may remove without {@link
     *     #force(boolean)}: 0 to 1, 0.5 by default
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxRemoveShare(double share) {
      if (!(share >= 0 && share <= 1)) {
        throw new IllegalArgumentException("max remove share must be between 0 and 1: " + share);
      }
      this.maxRemoveShare = share;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param copies how many objects are copied at once: 1 to 64, 4 by default
     * @throws IllegalArgumentException if out of range
     */
    public Builder parallelism(int copies) {
      if (copies < 1 || copies > 64) {
        throw new IllegalArgumentException("parallelism must be between 1 and 64: " + copies);
      }
      this.parallelism = copies;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param policy how a call or copy that failed in a way that may pass is tried again; {@link
     *     RetryPolicy#defaults()} by default
     */
    public Builder retry(RetryPolicy policy) {
      this.retry = requireNonNull(policy, "null policy");
      return this;
    }

    /**
     * {@return the mirror}
     *
     * @throws IllegalStateException if source and destination are the same bucket on the same
     *     client, with prefixes of which one holds the other
     */
    public BucketMirror build() {
      if (sourceClient == targetClient
          && sourceBucket.equals(targetBucket)
          && (sourcePrefix.startsWith(targetPrefix) || targetPrefix.startsWith(sourcePrefix))) {
        // one holds the other: the mirror would copy into what it reads, and remove(true) would
        // delete the source's own objects
        throw new IllegalStateException(
            (sourcePrefix.equals(targetPrefix)
                    ? "source and target are the same: s3://" + sourceBucket + "/" + sourcePrefix
                    : "source s3://"
                        + sourceBucket
                        + "/"
                        + sourcePrefix
                        + " and target s3://"
                        + targetBucket
                        + "/"
                        + targetPrefix
                        + " overlap: one holds the other")
                + "; name another target bucket or targetPrefix");
      }
      return new BucketMirror(this);
    }
  }
}
