package com.avnology.backup.postgres.internal.seeding;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names of the databases this JVM creates: {@code <prefix>_<pid>_<start>_<kind><n>}, where {@code
 * start} is the JVM's start time (epoch milliseconds, base 36). A name alone says which process
 * made it, so a later run can tell a copy left by a killed JVM from one a live JVM uses, even when
 * that JVM died between {@code CREATE DATABASE} and any comment. Thread-safe.
 */
public final class Names {
  private static final AtomicLong COUNTER = new AtomicLong();
  private static final long PID = ProcessHandle.current().pid();
  private static final long START =
      ProcessHandle.current()
          .info()
          .startInstant()
          .map(Instant::toEpochMilli)
          .orElse(System.currentTimeMillis());

  private Names() {}

  /** Who made a database, read back from its name. */
  public record Owner(long pid, long startMillis) {
    /** {@return whether this is the running JVM} */
    public boolean isCurrent() {
      return pid == PID && startMillis == START;
    }

    /** {@return whether a process with this pid and start time (±1 s) runs on this host} */
    public boolean isAlive() {
      return ProcessHandle.of(pid)
          .flatMap(p -> p.info().startInstant())
          .map(s -> Math.abs(s.toEpochMilli() - startMillis) <= 1000)
          .orElse(false);
    }
  }

  /**
   * {@return a new name, unique within this JVM}
   *
   * @param prefix the snapshot's prefix
   * @param kind {@code s} for a snapshot, {@code c} for a copy
   */
  public static String next(String prefix, char kind) {
    return prefix
        + "_"
        + PID
        + "_"
        + Long.toString(START, 36)
        + "_"
        + kind
        + COUNTER.incrementAndGet();
  }

  /**
   * {@return its maker, when the name is one of this prefix's}
   *
   * @param prefix the snapshot's prefix
   * @param name a database name
   */
  public static Optional<Owner> owner(String prefix, String name) {
    Matcher m =
        Pattern.compile(Pattern.quote(prefix) + "_(\\d{1,10})_([0-9a-z]{1,12})_[sc]\\d+")
            .matcher(name);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Owner(Long.parseLong(m.group(1)), Long.parseLong(m.group(2), 36)));
  }

  /**
   * {@return it double-quoted}
   *
   * @param name an identifier
   */
  public static String quote(String name) {
    return com.avnology.backup.postgres.internal.catalog.Identifiers.alwaysQuoted(name);
  }
}
