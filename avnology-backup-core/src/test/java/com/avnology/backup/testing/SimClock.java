package com.avnology.backup.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock tests move by hand: simulated time. Thread-safe. */
public final class SimClock extends Clock {
  private volatile Instant now;

  /**
   * @param start the first time it shows
   */
  public SimClock(Instant start) {
    this.now = start;
  }

  /**
   * Sets the time it shows.
   *
   * @param time the time it shows from now on
   */
  public void set(Instant time) {
    this.now = time;
  }

  /**
   * Moves the time it shows forward.
   *
   * @param step how far to move it forward
   */
  public void advance(Duration step) {
    this.now = now.plus(step);
  }

  @Override
  public Instant instant() {
    return now;
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a simulated clock stays in UTC");
  }
}
