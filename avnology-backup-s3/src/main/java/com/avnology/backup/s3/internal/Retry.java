package com.avnology.backup.s3.internal;

import com.avnology.backup.StorageException;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.ServerException;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an S3 call again, with exponential backoff, when it failed in a way that may pass: an I/O
 * error or timeout, or a 5xx answer other than 501. Immutable and thread-safe.
 *
 * @param retries how many times a failed call is tried again
 * @param delay the wait before the first retry; doubled each time, capped at {@link #MAX_DELAY}
 */
public record Retry(int retries, Duration delay) {
  /** The longest wait between two tries. */
  public static final Duration MAX_DELAY = Duration.ofSeconds(10);

  /** No retry: for calls whose input cannot be replayed. */
  public static final Retry NONE = new Retry(0, Duration.ZERO);

  private static final Logger log = LoggerFactory.getLogger(Retry.class);
  private static final Set<String> TRANSIENT_CODES =
      Set.of("InternalError", "SlowDown", "ServiceUnavailable", "RequestTimeout", "RequestTimeTooSkewed");

  /** An S3 call. */
  @FunctionalInterface
  public interface Call<T> {
    /**
     * @return the call's result
     * @throws Exception as the MinIO SDK throws
     */
    T call() throws Exception;
  }

  /**
   * @param what what the call does, for the log
   * @param call the call
   * @return its result
   * @throws Exception the last failure, unwrapped from {@link ExecutionException}
   */
  public <T> T run(String what, Call<T> call) throws Exception {
    for (int attempt = 0; ; attempt++) {
      try {
        return call.call();
      } catch (Exception e) {
        Exception cause = unwrap(e);
        if (attempt >= retries || !isTransient(cause)) {
          throw cause;
        }
        Duration wait = backoff(attempt);
        log.warn("{} failed ({}), try {} of {} in {} ms", what, cause.getClass().getSimpleName(),
            attempt + 2, retries + 1, wait.toMillis());
        sleep(wait);
      }
    }
  }

  private Duration backoff(int attempt) {
    Duration d = delay.multipliedBy(1L << Math.min(attempt, 20));
    return d.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : d;
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
   * @param e a failure, possibly wrapped by a future
   * @return the underlying failure
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
   * @param e an unwrapped failure
   * @return whether trying again may help
   */
  public static boolean isTransient(Exception e) {
    if (e instanceof com.avnology.backup.BackupException && e.getCause() instanceof Exception) {
      return isTransient((Exception) e.getCause());
    }
    if (e instanceof IOException) {
      return true;
    }
    if (e instanceof ServerException) {
      int code = ((ServerException) e).statusCode();
      return code >= 500 && code != 501;
    }
    if (e instanceof ErrorResponseException) {
      ErrorResponseException r = (ErrorResponseException) e;
      int status = r.response() == null ? 0 : r.response().code();
      return TRANSIENT_CODES.contains(r.errorResponse().code()) || (status >= 500 && status != 501);
    }
    return false;
  }
}
