package com.avnology.backup.s3.internal;

import com.avnology.backup.StorageException;
import com.avnology.backup.s3.RetryPolicy;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an S3 call again per a {@link RetryPolicy}, when it failed in a way that may pass: an I/O
 * error or timeout, a 5xx answer other than 501, or a throttling or timeout code; never a failure a
 * retry cannot fix ({@code RequestTimeTooSkewed}, rejected credentials, a missing bucket or key).
 * Immutable and thread-safe.
 */
public final class Retry {
  /** No retry: for calls whose input cannot be replayed. */
  public static final Retry NONE = new Retry(RetryPolicy.none());

  private static final Logger log = LoggerFactory.getLogger(Retry.class);
  private static final Set<String> TRANSIENT_CODES =
      Set.of("InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout");

  /** Codes a retry cannot fix, whatever the HTTP status they come with. */
  private static final Set<String> PERMANENT_CODES =
      Set.of(
          "RequestTimeTooSkewed",
          "AccessDenied",
          "SignatureDoesNotMatch",
          "InvalidAccessKeyId",
          "NoSuchBucket",
          "NoSuchKey",
          "NoSuchUpload",
          "InvalidBucketName",
          "NotImplemented");

  private final RetryPolicy policy;

  private Retry(RetryPolicy policy) {
    this.policy = policy;
  }

  /**
   * {@return a retry running it}
   *
   * @param policy the policy
   */
  public static Retry of(RetryPolicy policy) {
    return new Retry(policy);
  }

  /** {@return the policy} */
  public RetryPolicy policy() {
    return policy;
  }

  /** An S3 call. */
  @FunctionalInterface
  public interface Call<T> {
    /**
     * {@return the call's result}
     *
     * @throws Exception as the MinIO SDK throws
     */
    T call() throws Exception;
  }

  /**
   * {@return its result}
   *
   * @param what what the call does, for the log
   * @param call the call
   * @throws Exception the last failure, unwrapped from {@link ExecutionException}
   */
  public <T> T run(String what, Call<T> call) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.call();
      } catch (Exception e) {
        Exception cause = unwrap(e);
        if (attempt >= policy.retries() || !isTransient(cause)) {
          throw cause;
        }
        Duration wait = backoff(attempt, ThreadLocalRandom.current().nextDouble());
        log.warn(
            "{} failed ({}), try {} of {} in {} ms",
            what,
            cause.getClass().getSimpleName(),
            attempt + 2,
            policy.retries() + 1,
            wait.toMillis());
        sleep(wait);
      }
    }
  }

  /**
   * {@return the wait before the next try: the base delay doubled per retry, capped at the maximum,
   * and with jitter between half of that and all of it}
   *
   * @param attempt the failed try, from 0
   * @param random a number in [0, 1), for the jitter
   */
  public Duration backoff(int attempt, double random) {
    Duration d = policy.baseDelay().multipliedBy(1L << Math.min(attempt, 20));
    if (d.compareTo(policy.maxDelay()) > 0) {
      d = policy.maxDelay();
    }
    if (!policy.jitter()) {
      return d;
    }
    long nanos = d.toNanos();
    return Duration.ofNanos(nanos / 2 + (long) (random * (nanos - nanos / 2)));
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting to retry an S3 call", e);
    }
  }

  /**
   * {@return the underlying failure}
   *
   * @param e a failure, possibly wrapped by a future
   */
  public static Exception unwrap(Exception e) {
    Throwable t = e;
    while ((t instanceof ExecutionException || t instanceof CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    return (Exception) t;
  }

  /**
   * {@return whether trying again may help}
   *
   * @param e an unwrapped failure
   */
  public static boolean isTransient(Exception e) {
    if (e instanceof com.avnology.backup.BackupException && e.getCause() instanceof Exception) {
      return isTransient((Exception) e.getCause());
    }
    if (e instanceof IOException) {
      return true;
    }
    if (e instanceof ServerException serverException) {
      int code = serverException.statusCode();
      return code >= 500 && code != 501;
    }
    if (e instanceof ErrorResponseException r) {

      String code = r.errorResponse() == null ? null : r.errorResponse().code();
      if (code != null && PERMANENT_CODES.contains(code)) {
        return false;
      }
      int status = r.response() == null ? 0 : r.response().code();
      return TRANSIENT_CODES.contains(code) || (status >= 500 && status != 501);
    }
    return false;
  }
}
