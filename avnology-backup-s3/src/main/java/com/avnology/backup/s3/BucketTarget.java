package com.avnology.backup.s3;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupNames;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Compression;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.StorageException;
import com.avnology.backup.s3.internal.BucketArchive;
import com.avnology.backup.s3.internal.BucketRestore;
import com.avnology.backup.s3.internal.Retry;
import com.avnology.backup.s3.internal.S3Ops;
import io.minio.MinioAsyncClient;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A bucket (or the objects under a prefix of it), backed up as one tar artifact {@code
 * bucket/<name>.tar[.gz|.zst]}: one entry per object with its bytes, and in pax headers its exact
 * key, content type, user metadata and tags (tags only where the server implements tagging).
 *
 * <p>Restore writes into the bucket and prefix this target names, which may be another bucket or
 * another server than the one backed up: build a target with the same name on the destination. What
 * happens to objects that already exist is the {@link OverwritePolicy}; by default a restore that
 * would replace a differing object writes nothing and lists them. Objects not in the backup are
 * never deleted.
 *
 * <p>Immutable and thread-safe. The client is the caller's and is never closed.
 */
public final class BucketTarget implements BackupTarget {
  /** This target's kind. */
  public static final String KIND = "bucket";

  private final String name;
  private final String bucket;
  private final String prefix;
  private final OverwritePolicy overwrite;
  private final S3Ops ops;

  private BucketTarget(Builder b) {
    this.name = b.name;
    this.bucket = b.bucket;
    this.prefix = b.prefix;
    this.overwrite = b.overwrite;
    this.ops = new S3Ops(b.client, b.bucket, null, null, Retry.of(b.retry));
  }

  /**
   * {@return the target, for the whole bucket, refusing to overwrite on restore}
   *
   * @param name the target's name in backup sets, such as {@code avatars}
   * @param client a MinIO SDK asynchronous client for the bucket's server ({@code
   *     MinioAsyncClient.builder()}: the blocking {@code MinioClient} hides the multipart calls)
   * @param bucket the bucket
   * @throws IllegalArgumentException if the name is not 1-63 of a-z, 0-9, '-' and '_', or the
   *     bucket name is not valid
   */
  public static BucketTarget of(String name, MinioAsyncClient client, String bucket) {
    return builder(name, client, bucket).build();
  }

  /**
   * {@return a builder}
   *
   * @param name the target's name in backup sets
   * @param client a MinIO SDK asynchronous client for the bucket's server ({@code
   *     MinioAsyncClient.builder()}: the blocking {@code MinioClient} hides the multipart calls)
   * @param bucket the bucket
   * @throws IllegalArgumentException if the name or the bucket name is not valid
   */
  public static Builder builder(String name, MinioAsyncClient client, String bucket) {
    return new Builder(name, client, bucket);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String name() {
    return name;
  }

  /** {@return the bucket} */
  public String bucket() {
    return bucket;
  }

  /** {@return the key prefix, empty or ending in '/'} */
  public String prefix() {
    return prefix;
  }

  /** {@return what a restore does with existing objects} */
  public OverwritePolicy overwrite() {
    return overwrite;
  }

  @Override
  public void backup(BackupContext context) {
    ops.requireBucket();
    Compression compression = context.compression();
    context.option("format", "tar");
    context.option("prefix", prefix);
    OutputStream artifact =
        context.artifact(name + ".tar" + compression.suffix(), compression.algorithm());
    try (OutputStream out = compression.compress(artifact)) {
      BucketArchive.Stats stats = BucketArchive.write(ops, prefix, out, context::entriesDone);
      context.metadata("objects", Long.toString(stats.objects()));
      context.metadata("bytes", Long.toString(stats.bytes()));
      context.metadata("tags", stats.tagsKept() ? "kept" : "unsupported by the server");
    } catch (IOException e) {
      throw new StorageException(
          "cannot back up bucket " + name + " from " + ops.where() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void restore(RestoreContext context) {
    Manifest.Artifact artifact = context.artifactStartingWith(name + ".tar");
    ops.requireBucket();
    try {
      new BucketRestore(ops, prefix, overwrite)
          .restore(() -> context.openDecompressed(artifact), context::entriesDone);
    } catch (IOException e) {
      throw new IntegrityException("cannot read " + artifact.path() + ": " + e.getMessage(), e);
    }
  }

  /** Every object of the set's archive is in the bucket with its size. */
  @Override
  public java.util.List<com.avnology.backup.HealthCheck> checkRestored(RestoreContext context) {
    String check = "bucket/" + name + " objects";
    Manifest.Artifact artifact = context.artifactStartingWith(name + ".tar");
    java.util.Map<String, Long> there = new java.util.HashMap<>();
    ops.list(prefix).forEach(i -> there.put(i.objectName(), i.size()));
    long objects = 0;
    long bytes = 0;
    java.util.List<String> wrong = new java.util.ArrayList<>();
    try (org.apache.commons.compress.archivers.tar.TarArchiveInputStream tar =
        new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
            context.openDecompressed(artifact), "UTF-8")) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (!e.isFile()) {
          continue;
        }
        objects++;
        bytes += e.getSize();
        String key = prefix + com.avnology.backup.s3.internal.BucketArchive.meta(e).key();
        if (key.isEmpty()) {
          continue; // the backed-up prefix's own marker, which a bucket's root cannot hold
        }
        Long size = there.get(key);
        if ((size == null || size != e.getSize()) && wrong.size() < 5) {
          wrong.add(
              key + (size == null ? " missing" : " has " + size + " bytes, not " + e.getSize()));
        }
      }
    } catch (IOException e) {
      return java.util.List.of(
          com.avnology.backup.HealthCheck.failed(
              check, "cannot read " + artifact.path() + ": " + e.getMessage()));
    }
    return java.util.List.of(
        wrong.isEmpty()
            ? com.avnology.backup.HealthCheck.passed(
                check, objects + " objects, " + bytes + " bytes as in the set")
            : com.avnology.backup.HealthCheck.failed(
                check, "of " + objects + " objects, " + String.join(", ", wrong)));
  }

  @Override
  public String describeRestore(RestoreContext context) {
    String where = "bucket s3://" + bucket + "/" + prefix + " at " + ops.where();
    long existing;
    try {
      ops.requireBucket();
      existing = ops.list(prefix).size();
    } catch (RuntimeException e) {
      return where + " (cannot be listed: " + e.getMessage() + ")";
    }
    String objects = context.manifest().metadata().getOrDefault("objects", "?");
    return where
        + ": "
        + objects
        + " objects from the set; "
        + existing
        + " objects there now, "
        + switch (overwrite) {
          case NEVER ->
              "differing ones refuse the restore before anything is written (--overwrite"
                  + " replaces them)";
          case IF_DIFFERENT -> "differing ones are replaced";
          case ALWAYS -> "every object of the set is written over them";
        }
        + "; objects not in the set are kept";
  }

  @Override
  public String toString() {
    return "BucketTarget["
        + name
        + " = s3://"
        + bucket
        + "/"
        + prefix
        + ", overwrite="
        + overwrite
        + "]";
  }

  /** Collects a bucket target's settings. {@link #build()} leaves it unchanged. Not thread-safe. */
  public static final class Builder {
    private final String name;
    private final MinioAsyncClient client;
    private final String bucket;
    private String prefix = "";
    private OverwritePolicy overwrite = OverwritePolicy.NEVER;
    private RetryPolicy retry = RetryPolicy.defaults();

    private Builder(String name, MinioAsyncClient client, String bucket) {
      this.name =
          BackupNames.checkTargetName("bucket target name", requireNonNull(name, "null name"));
      this.client = requireNonNull(client, "null client");
      this.bucket = S3Sink.checkBucket(requireNonNull(bucket, "null bucket"));
    }

    /**
     * {@return this builder}
     *
     * @param prefix back up and restore only objects under this key prefix, such as {@code
     *     avatars/}; keys are stored relative to it. The whole bucket by default.
     * @throws IllegalArgumentException if it starts with '/', or has an empty, '.' or '..' segment
     */
    public Builder prefix(String prefix) {
      this.prefix = S3Sink.checkPrefix(requireNonNull(prefix, "null prefix"));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param overwrite what a restore does with existing objects; {@link OverwritePolicy#NEVER} by
     *     default
     */
    public Builder overwrite(OverwritePolicy overwrite) {
      this.overwrite = requireNonNull(overwrite, "null overwrite");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param policy how a call that failed in a way that may pass is tried again; {@link
     *     RetryPolicy#defaults()} by default
     */
    public Builder retry(RetryPolicy policy) {
      this.retry = requireNonNull(policy, "null policy");
      return this;
    }

    /** {@return the target} */
    public BucketTarget build() {
      return new BucketTarget(this);
    }
  }
}
