package com.avnology.backup.s3.internal;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/** Builder validations shared by the S3 sink, bucket target and mirror. */
public final class Checks {
  private Checks() {}

  /**
   * @param retries how often a failed call is tried again
   * @return it, if 0 to 20
   * @throws IllegalArgumentException otherwise, quoting the value
   */
  public static int retries(int retries) {
    if (retries < 0 || retries > 20) {
      throw new IllegalArgumentException("retries must be between 0 and 20: " + retries);
    }
    return retries;
  }

  /**
   * @param delay the first retry's wait
   * @return it, if not negative
   * @throws IllegalArgumentException otherwise, quoting the value
   */
  public static Duration retryDelay(Duration delay) {
    requireNonNull(delay, "null delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("retry delay cannot be negative: " + delay);
    }
    return delay;
  }
}
