package com.avnology.backup.s3;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link S3Sink}, {@link BucketTarget} and {@link BucketMirror} try a failed S3 call again: a
 * call failing in a way that may pass (an I/O error or timeout, a 5xx answer other than 501, {@code
 * SlowDown}, {@code RequestTimeout}, …) is retried up to {@link #retries()} times, waiting {@link
 * #baseDelay()} doubled per retry and capped at {@link #maxDelay()}; with {@link #jitter()} each
 * wait is drawn between half that and all of it, so that clients failing together do not retry
 * together. Failures a retry cannot fix are never retried: {@code RequestTimeTooSkewed} (fix the
 * host's clock), rejected credentials, a missing bucket, a 4xx answer.
 *
 * <pre>{@code
 * S3Sink.builder(endpoint, "backups").retry(RetryPolicy.builder().retries(8)
 *     .maxDelay(Duration.ofSeconds(30)).build())
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RetryPolicy {
  private static final RetryPolicy DEFAULTS = builder().build();
  private static final RetryPolicy NONE = builder().retries(0).baseDelay(Duration.ZERO).build();

  private final int retries;
  private final Duration baseDelay;
  private final Duration maxDelay;
  private final boolean jitter;

  private RetryPolicy(Builder b) {
    this.retries = b.retries;
    this.baseDelay = b.baseDelay;
    this.maxDelay = b.maxDelay;
    this.jitter = b.jitter;
  }

  /**
   * {@return 5 retries, 500 ms doubled per retry up to 10 s, with jitter: the builders' default}
   */
  public static RetryPolicy defaults() {
    return DEFAULTS;
  }

  /** {@return no retry: every failure is reported at once} */
  public static RetryPolicy none() {
    return NONE;
  }

  /** {@return a builder starting from {@link #defaults()}} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return how many times a failed call is tried again} */
  public int retries() {
    return retries;
  }

  /** {@return the wait before the first retry} */
  public Duration baseDelay() {
    return baseDelay;
  }

  /** {@return the longest wait between two tries} */
  public Duration maxDelay() {
    return maxDelay;
  }

  /** {@return whether each wait is drawn between half its backoff and all of it} */
  public boolean jitter() {
    return jitter;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetryPolicy p
        && retries == p.retries
        && baseDelay.equals(p.baseDelay)
        && maxDelay.equals(p.maxDelay)
        && jitter == p.jitter;
  }

  @Override
  public int hashCode() {
    return Objects.hash(retries, baseDelay, maxDelay, jitter);
  }

  @Override
  public String toString() {
    return "RetryPolicy[retries="
        + retries
        + ", baseDelay="
        + baseDelay
        + ", maxDelay="
        + maxDelay
        + ", jitter="
        + jitter
        + "]";
  }

  /** Builds a {@link RetryPolicy}. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private int retries = 5;
    private Duration baseDelay = Duration.ofMillis(500);
    private Duration maxDelay = Duration.ofSeconds(10);
    private boolean jitter = true;

    private Builder() {}

    /**
     * {@return this builder}
     *
     * @param retries how many times a failed call is tried again: 0 to 20; 5 by default
     * @throws IllegalArgumentException if out of range, quoting it
     */
    public Builder retries(int retries) {
      if (retries < 0 || retries > 20) {
        throw new IllegalArgumentException("retries must be between 0 and 20: " + retries);
      }
      this.retries = retries;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param delay the wait before the first retry, doubled for each next one; 500 ms by default
     * @throws IllegalArgumentException if negative, quoting it
     */
    public Builder baseDelay(Duration delay) {
      requireNonNull(delay, "null delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("retry delay cannot be negative: " + delay);
      }
      this.baseDelay = delay;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param delay the longest wait between two tries; 10 s by default
     * @throws IllegalArgumentException if negative, quoting it
     */
    public Builder maxDelay(Duration delay) {
      requireNonNull(delay, "null delay");
      if (delay.isNegative()) {
        throw new IllegalArgumentException("maximum retry delay cannot be negative: " + delay);
      }
      this.maxDelay = delay;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param jitter whether each wait is drawn between half its backoff and all of it; on by
     *     default
     */
    public Builder jitter(boolean jitter) {
      this.jitter = jitter;
      return this;
    }

    /**
     * {@return the policy}
     *
     * @throws IllegalStateException if the base delay is longer than the maximum delay
     */
    public RetryPolicy build() {
      if (baseDelay.compareTo(maxDelay) > 0) {
        throw new IllegalStateException(
            "baseDelay "
                + baseDelay
                + " is longer than maxDelay "
                + maxDelay
                + ": raise maxDelay or lower baseDelay");
      }
      return new RetryPolicy(this);
    }
  }
}
