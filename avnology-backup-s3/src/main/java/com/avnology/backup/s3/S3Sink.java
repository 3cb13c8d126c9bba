package com.avnology.backup.s3;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupNames;
import com.avnology.backup.BackupSink;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.StorageException;
import com.avnology.backup.s3.internal.Retry;
import com.avnology.backup.s3.internal.S3Ops;
import com.avnology.backup.s3.internal.S3SetWriter;
import com.avnology.backup.s3.internal.StaleSets;
import io.minio.GetObjectResponse;
import io.minio.MinioAsyncClient;
import io.minio.http.HttpUtils;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Backup sets in an S3 bucket (AWS S3, MinIO, Ceph, …), as {@code <prefix>sets/<set id>/<artifact
 * path>}.
 *
 * <pre>{@code
 * try (S3Sink sink = S3Sink.builder(URI.create("http://minio:9000"), "backups")
 *     .credentials(S3Credentials.of(accessKey, secretKey))
 *     .prefix("prod/")
 *     .build()) {
 *   Backup.builder().target(VolumeTarget.of("certs", dir)).sink(sink).build().run();
 * }
 * }</pre>
 *
 * <p>Artifacts stream through multipart uploads holding one part in memory ({@link
 * Builder#partSize(long)}, 16 MiB by default), so an artifact of any size needs bounded memory;
 * {@code manifest.json} is written last and its existence publishes the set. An aborted or failed
 * set has its uploads aborted and its objects deleted; what a killed process left behind is removed
 * by a later {@link #create(String)} once older than {@link Builder#staleAfter(Duration)}. Calls
 * that fail with an I/O error, a timeout or a 5xx answer are retried with exponential backoff
 * ({@link Builder#retry(RetryPolicy)}).
 *
 * <p>Immutable and thread-safe. {@link #close()} closes the client only if this sink made it.
 */
public final class S3Sink implements BackupSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(S3Sink.class);

  private final MinioAsyncClient client;
  private final boolean ownsClient;
  private final S3Ops ops;
  private final String bucket;
  private final String prefix;
  private final String sets;
  private final int partSize;
  private final Duration staleAfter;
  private final Clock clock;
  private final String description;

  private S3Sink(Builder b, MinioAsyncClient client, boolean ownsClient) {
    this.client = client;
    this.ownsClient = ownsClient;
    this.bucket = b.bucket;
    this.prefix = b.prefix;
    this.sets = b.prefix + "sets/";
    this.partSize = b.partSize;
    this.staleAfter = b.staleAfter;
    this.clock = b.clock;
    String endpoint = b.endpoint == null ? null : b.endpoint.toString();
    this.ops =
        new S3Ops(
            client,
            bucket,
            endpoint,
            b.credentials == null ? null : b.credentials.accessKey(),
            Retry.of(b.retry));
    this.description =
        "s3://" + bucket + "/" + prefix + (endpoint == null ? "" : " at " + endpoint);
  }

  /**
   * A sink that makes its own client; give it {@link Builder#credentials(S3Credentials)}.
   *
   * @param endpoint the S3 server, such as {@code http://minio:9000} or {@code
   *     https://s3.eu-west-1.amazonaws.com}
   * @param bucket the bucket holding the sets; it must exist
   * @return a builder
   * @throws IllegalArgumentException if the endpoint is not an http(s) URI without user info, path
   *     or query, or the bucket name is not a valid S3 bucket name
   */
  public static Builder builder(URI endpoint, String bucket) {
    return new Builder(
        checkEndpoint(requireNonNull(endpoint, "null endpoint")),
        null,
        checkBucket(requireNonNull(bucket, "null bucket")));
  }

  /**
   * A sink on a client the caller made and closes; the sink never closes it.
   *
   * @param client a MinIO SDK asynchronous client ({@code MinioAsyncClient.builder()}: the blocking
   *     {@code MinioClient} hides the multipart calls)
   * @param bucket the bucket holding the sets; it must exist
   * @return a builder
   * @throws IllegalArgumentException if the bucket name is not a valid S3 bucket name
   */
  public static Builder builder(MinioAsyncClient client, String bucket) {
    return new Builder(
        null,
        requireNonNull(client, "null client"),
        checkBucket(requireNonNull(bucket, "null bucket")));
  }

  /** {@return the bucket} */
  public String bucket() {
    return bucket;
  }

  /** {@return the key prefix, empty or ending in {@code /}} */
  public String prefix() {
    return prefix;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Also removes stale leftovers of failed runs under the prefix (see {@link
   * Builder#staleAfter(Duration)}).
   *
   * @throws NotFoundException if the bucket does not exist
   * @throws StorageException if the credentials are rejected or the server cannot be reached
   */
  @Override
  public SetWriter create(String setId) {
    BackupNames.checkSetId(requireNonNull(setId, "null setId"));
    ops.requireBucket();
    String setPrefix = sets + setId + "/";
    if (!ops.list(setPrefix).isEmpty()) {
      throw new IllegalArgumentException("set " + setId + " already exists in " + this);
    }
    int cleaned = StaleSets.clean(ops, sets, clock.instant().minus(staleAfter));
    if (cleaned > 0) {
      log.info("removed {} stale uploads and objects from {}", cleaned, this);
    }
    return new S3SetWriter(ops, setId, setPrefix, partSize);
  }

  @Override
  public List<String> list() {
    // the sets' prefixes, then whether each has a manifest: requests in proportion to the sets,
    // not to their objects (a database of many tables makes hundreds per set)
    java.util.Map<String, String> manifests = new java.util.HashMap<>();
    for (String setPrefix : ops.listPrefixes(sets)) {
      String id = setPrefix.substring(sets.length(), setPrefix.length() - 1);
      if (BackupNames.isSetId(id)) {
        manifests.put(setPrefix + MANIFEST, id);
      }
    }
    Set<String> ids = new TreeSet<>(Comparator.reverseOrder());
    ops.existing(manifests.keySet()).forEach(key -> ids.add(manifests.get(key)));
    return List.copyOf(ids);
  }

  @Override
  public SetReader open(String setId) {
    String setPrefix = published(setId);
    return new SetReader() {
      @Override
      public byte[] manifest() {
        try (GetObjectResponse in = ops.get(setPrefix + MANIFEST)) {
          return in.readAllBytes();
        } catch (IOException e) {
          throw new StorageException(
              "cannot read the manifest of set " + setId + " from " + S3Sink.this + ": " + e, e);
        }
      }

      @Override
      public InputStream artifact(String path) {
        String key = setPrefix + BackupNames.checkArtifactPath(path);
        try {
          return ops.get(key);
        } catch (NotFoundException e) {
          throw new NotFoundException(
              "set " + setId + " has no artifact " + path + " in " + S3Sink.this, e);
        }
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void delete(String setId) {
    String setPrefix = published(setId);
    ops.remove(List.of(setPrefix + MANIFEST));
    ops.remove(ops.list(setPrefix).stream().map(Item::objectName).toList());
  }

  /**
   * {@inheritDoc}
   *
   * <p>On S3 the existence check and the upload are two requests: two writers of one key at the
   * same moment can both succeed, the later one's bytes winning (PostgreSQL runs one archiver per
   * cluster; give each cluster its own prefix). The object itself appears whole or not at all. It
   * is uploaded from memory, so keep objects small (a WAL segment is at most its size, 16 MiB by
   * default).
   */
  @Override
  public boolean putObjectIfAbsent(String key, InputStream content) {
    String full = objectKey(key);
    java.util.Objects.requireNonNull(content, "null content");
    if (ops.stat(full).isPresent()) {
      return false;
    }
    try {
      byte[] data = content.readAllBytes();
      ops.put(full, data, data.length);
      return true;
    } catch (IOException e) {
      throw new StorageException(
          "cannot read the content of " + key + " for " + this + ": " + e, e);
    }
  }

  @Override
  public Optional<InputStream> openObject(String key) {
    String full = objectKey(key);
    try {
      return Optional.of(ops.get(full));
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  @Override
  public List<String> listObjects(String keyPrefix) {
    java.util.Objects.requireNonNull(keyPrefix, "null prefix");
    return ops.list(prefix + keyPrefix).stream()
        .map(item -> item.objectName().substring(prefix.length()))
        .filter(k -> !k.startsWith("sets/"))
        .sorted()
        .toList();
  }

  /**
   * Deletes objects under this sink's prefix; keys that do not exist are skipped.
   *
   * @param keys the keys, as listed by {@link #listObjects(String)}
   */
  @Override
  public void deleteObjects(List<String> keys) {
    java.util.Objects.requireNonNull(keys, "null keys");
    ops.remove(keys.stream().map(this::objectKey).toList());
  }

  private String objectKey(String key) {
    BackupNames.checkArtifactPath(java.util.Objects.requireNonNull(key, "null key"));
    if (key.startsWith("sets/") || key.equals("sets")) {
      throw new IllegalArgumentException(
          "object key "
              + key
              + " is under sets/, which holds"
              + " backup sets: choose another prefix, such as wal/");
    }
    return prefix + key;
  }

  /**
   * A URL anyone holding it can download an artifact with, until it expires; for handing a backup
   * to another machine without credentials.
   *
   * @param setId a published set's id
   * @param artifactPath an artifact's path in the set, such as {@code volume/certs.tar.zst}
   * @param expiry how long the URL works: 1 second to 7 days
   * @return a presigned GET URL
   * @throws IllegalArgumentException if the expiry is out of range
   * @throws NotFoundException if the set is not published or has no such artifact
   */
  public URI presign(String setId, String artifactPath, Duration expiry) {
    requireNonNull(expiry, "null expiry");
    if (expiry.compareTo(Duration.ofSeconds(1)) < 0 || expiry.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException(
          "presigned URL expiry must be between 1 second and 7 days: " + expiry);
    }
    String key =
        published(setId)
            + BackupNames.checkArtifactPath(requireNonNull(artifactPath, "null artifactPath"));
    if (ops.stat(key).isEmpty()) {
      throw new NotFoundException(
          "set " + setId + " has no artifact " + artifactPath + " in " + this);
    }
    return URI.create(ops.presign(key, expiry));
  }

  private String published(String setId) {
    BackupNames.checkSetId(requireNonNull(setId, "null setId"));
    String setPrefix = sets + setId + "/";
    if (ops.stat(setPrefix + MANIFEST).isEmpty()) {
      ops.requireBucket();
      throw new NotFoundException(
          "no backup set " + setId + " in " + this + "; list the sink to see its sets");
    }
    return setPrefix;
  }

  /** Closes the client if this sink made it; a client given to the builder stays open. */
  @Override
  public void close() {
    if (ownsClient) {
      try {
        client.close();
      } catch (Exception e) {
        log.debug("closing the S3 client failed", e);
      }
    }
  }

  /**
   * @return {@code s3://bucket/prefix at endpoint}; never a secret
   */
  @Override
  public String toString() {
    return description;
  }

  private static URI checkEndpoint(URI endpoint) {
    String scheme = endpoint.getScheme();
    if (endpoint.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "S3 endpoint must not hold credentials: '"
              + endpoint.getScheme()
              + "://"
              + endpoint.getHost()
              + "'; pass them to credentials(...)");
    }
    if ((!"http".equals(scheme) && !"https".equals(scheme))
        || endpoint.getHost() == null
        || endpoint.getRawQuery() != null
        || !(endpoint.getRawPath() == null
            || endpoint.getRawPath().isEmpty()
            || endpoint.getRawPath().equals("/"))) {
      throw new IllegalArgumentException(
          "S3 endpoint must be http(s)://host[:port] without path"
              + " or query: '"
              + endpoint
              + "'");
    }
    return URI.create(scheme + "://" + endpoint.getRawAuthority());
  }

  static String checkBucket(String bucket) {
    if (!bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]") || bucket.contains("..")) {
      throw new IllegalArgumentException(
          "not an S3 bucket name: '"
              + bucket
              + "'; use 3 to 63 of a-z, 0-9, '.' and '-', starting and ending with a letter or digit");
    }
    return bucket;
  }

  static String checkPrefix(String prefix) {
    if (prefix.isEmpty()) {
      return prefix;
    }
    String p = prefix.endsWith("/") ? prefix : prefix + "/";
    if (p.startsWith("/")
        || p.contains("//")
        || ("/" + p).contains("/../")
        || ("/" + p).contains("/./")) {
      throw new IllegalArgumentException(
          "not a key prefix: '" + prefix + "'; use segments separated by '/', such as 'prod/auth'");
    }
    return p;
  }

  /** Collects a sink's settings. {@link #build()} leaves the builder unchanged. Not thread-safe. */
  public static final class Builder {
    private final URI endpoint;
    private final MinioAsyncClient client;
    private final String bucket;
    private String prefix = "";
    private S3Credentials credentials;
    private String region;
    private Boolean pathStyle;
    private Duration timeout;
    private int partSize = 16 << 20;
    private RetryPolicy retry = RetryPolicy.defaults();
    private Duration staleAfter = Duration.ofHours(1);
    private Clock clock = Clock.systemUTC();

    private Builder(URI endpoint, MinioAsyncClient client, String bucket) {
      this.endpoint = endpoint;
      this.client = client;
      this.bucket = bucket;
    }

    /**
     * {@return this builder}
     *
     * @param prefix the key prefix the sets live under, such as {@code prod/}; none by default
     * @throws IllegalArgumentException if it starts with '/', or has an empty, '.' or '..' segment
     */
    public Builder prefix(String prefix) {
      this.prefix = checkPrefix(requireNonNull(prefix, "null prefix"));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param credentials the access and secret key; required with an endpoint
     */
    public Builder credentials(S3Credentials credentials) {
      this.credentials = requireNonNull(credentials, "null credentials");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param region the bucket's region; {@code us-east-1} by default (what MinIO uses)
     * @throws IllegalArgumentException if it is blank
     */
    public Builder region(String region) {
      requireNonNull(region, "null region");
      if (region.isBlank()) {
        throw new IllegalArgumentException("region is blank: '" + region + "'");
      }
      this.region = region;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param pathStyle whether the bucket goes in the URL path ({@code http://host/bucket/key},
     *     what MinIO and most self-hosted servers want; the default) rather than the host name
     */
    public Builder pathStyle(boolean pathStyle) {
      this.pathStyle = pathStyle;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param timeout connect, read and write timeout of each request; 60 s by default
     * @throws IllegalArgumentException if it is not positive
     */
    public Builder timeout(Duration timeout) {
      requireNonNull(timeout, "null timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive: " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param bytes bytes per uploaded part, which is also the memory one artifact stream holds: 5
     *     MiB to 1 GiB, 16 MiB by default (an artifact can have 10,000 parts)
     * @throws IllegalArgumentException if out of range
     */
    public Builder partSize(long bytes) {
      if (bytes < (5L << 20) || bytes > (1L << 30)) {
        throw new IllegalArgumentException("part size must be between 5 MiB and 1 GiB: " + bytes);
      }
      this.partSize = (int) bytes;
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

    /**
     * {@return this builder}
     *
     * @param age how old an incomplete upload or an unpublished set must be before {@link
     *     #create(String)} removes it as the leftover of a dead run; 1 hour by default. Keep it
     *     longer than any backup takes, or a running backup loses its set.
     * @throws IllegalArgumentException if negative
     */
    public Builder staleAfter(Duration age) {
      requireNonNull(age, "null age");
      if (age.isNegative()) {
        throw new IllegalArgumentException("stale age cannot be negative: " + age);
      }
      this.staleAfter = age;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param clock the time source deciding what is stale; the system UTC clock by default
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "null clock");
      return this;
    }

    /**
     * {@return the sink}
     *
     * @throws IllegalStateException if an endpoint was given without credentials, or a client was
     *     given together with credentials, region, pathStyle or timeout (set those on the client)
     */
    public S3Sink build() {
      if (client != null) {
        if (credentials != null || region != null || pathStyle != null || timeout != null) {
          throw new IllegalStateException(
              "credentials, region, pathStyle and timeout apply to"
                  + " builder(URI, bucket); with builder(MinioAsyncClient, bucket) set them on the client");
        }
        return new S3Sink(this, client, false);
      }
      if (credentials == null) {
        throw new IllegalStateException(
            "no credentials for endpoint "
                + endpoint
                + ": call credentials(S3Credentials.of(accessKey, secretKey)) before build()");
      }
      long ms = (timeout == null ? Duration.ofSeconds(60) : timeout).toMillis();
      MinioAsyncClient made =
          MinioAsyncClient.builder()
              .endpoint(endpoint.toString())
              .credentials(credentials.accessKey(), credentials.secretKey())
              .region(region == null ? "us-east-1" : region)
              .httpClient(daemonHttpClient(ms), true)
              .build();
      made.setTimeout(ms, ms, ms);
      if (pathStyle == null || pathStyle) {
        made.disableVirtualStyleEndpoint();
      } else {
        made.enableVirtualStyleEndpoint();
      }
      return new S3Sink(this, made, true);
    }

    /**
     * Returns the MinIO SDK's default HTTP client with a dispatcher whose threads are daemons:
     * OkHttp's own are not, and keep a JVM alive for a minute after its main method returned (every
     * call of this library waits for its requests, so none is cut short).
     */
    private static OkHttpClient daemonHttpClient(long timeoutMs) {
      ThreadPoolExecutor executor =
          new ThreadPoolExecutor(
              0,
              Integer.MAX_VALUE,
              60,
              TimeUnit.SECONDS,
              new SynchronousQueue<>(),
              r -> {
                Thread t = new Thread(r, "avnology-s3-http");
                t.setDaemon(true);
                return t;
              });
      return HttpUtils.newDefaultHttpClient(timeoutMs, timeoutMs, timeoutMs)
          .newBuilder()
          .dispatcher(new Dispatcher(executor))
          .build();
    }
  }
}
