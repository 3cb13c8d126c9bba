package com.avnology.backup.retention;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * What a sink keeps, per target: the sets younger than a number of days, the last N sets, and the
 * newest set of each of the last D days, W weeks (ISO weeks) and M months, as restic's {@code
 * forget --keep-within/--keep-last/--keep-daily/--keep-weekly/--keep-monthly}. A set is kept when
 * any rule keeps it; the rules only ever add sets. Whatever the rules say, the {@link Pruner} keeps
 * the newest good set of every target, so {@code last(0)} keeps exactly that one.
 *
 * <pre>{@code
 * RetentionPolicy policy = RetentionPolicy.builder().days(30).last(3).build();
 * RetentionPolicy gfs = RetentionPolicy.builder().daily(7).weekly(4).monthly(12).build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class RetentionPolicy {
  private final int days;
  private final int last;
  private final int daily;
  private final int weekly;
  private final int monthly;

  private RetentionPolicy(Builder b) {
    this.days = b.days;
    this.last = b.last;
    this.daily = b.daily;
    this.weekly = b.weekly;
    this.monthly = b.monthly;
  }

  /**
   * {@return a policy with only that rule}
   *
   * @param days keep every set younger than this many days
   * @throws IllegalArgumentException if negative
   */
  public static RetentionPolicy days(int days) {
    return builder().days(days).build();
  }

  /**
   * {@return a policy with only that rule}
   *
   * @param count keep this many newest sets of each target; 0 keeps only the newest good set
   * @throws IllegalArgumentException if negative
   */
  public static RetentionPolicy last(int count) {
    return builder().last(count).build();
  }

  /** {@return a builder with no rule yet} */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the days rule, if set} */
  public OptionalInt keepDays() {
    return opt(days);
  }

  /** {@return the last-N rule, if set} */
  public OptionalInt keepLast() {
    return opt(last);
  }

  /** {@return how many days keep their newest set, if set} */
  public OptionalInt keepDaily() {
    return opt(daily);
  }

  /** {@return how many ISO weeks keep their newest set, if set} */
  public OptionalInt keepWeekly() {
    return opt(weekly);
  }

  /** {@return how many months keep their newest set, if set} */
  public OptionalInt keepMonthly() {
    return opt(monthly);
  }

  private static OptionalInt opt(int value) {
    return value < 0 ? OptionalInt.empty() : OptionalInt.of(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RetentionPolicy p
        && p.days == days
        && p.last == last
        && p.daily == daily
        && p.weekly == weekly
        && p.monthly == monthly;
  }

  @Override
  public int hashCode() {
    return ((((days * 31) + last) * 31 + daily) * 31 + weekly) * 31 + monthly;
  }

  /**
   * @return the rules, such as {@code keep-days 30, keep-last 3}
   */
  @Override
  public String toString() {
    List<String> rules = new ArrayList<>();
    add(rules, "keep-days", days);
    add(rules, "keep-last", last);
    add(rules, "keep-daily", daily);
    add(rules, "keep-weekly", weekly);
    add(rules, "keep-monthly", monthly);
    return String.join(", ", rules);
  }

  private static void add(List<String> rules, String name, int value) {
    if (value >= 0) {
      rules.add(name + " " + value);
    }
  }

  /** Collects the rules of a policy. Not thread-safe. */
  public static final class Builder {
    private int days = -1;
    private int last = -1;
    private int daily = -1;
    private int weekly = -1;
    private int monthly = -1;

    private Builder() {}

    /**
     * {@return this builder}
     *
     * @param days keep every set that started less than this many days ago
     * @throws IllegalArgumentException if negative
     */
    public Builder days(int days) {
      this.days = check("days", days);
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param count keep this many newest sets of each target
     * @throws IllegalArgumentException if negative
     */
    public Builder last(int count) {
      this.last = check("last", count);
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param count keep the newest set of each of the last {@code count} days that have one
     * @throws IllegalArgumentException if negative
     */
    public Builder daily(int count) {
      this.daily = check("daily", count);
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param count keep the newest set of each of the last {@code count} ISO weeks that have one
     * @throws IllegalArgumentException if negative
     */
    public Builder weekly(int count) {
      this.weekly = check("weekly", count);
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param count keep the newest set of each of the last {@code count} months that have one
     * @throws IllegalArgumentException if negative
     */
    public Builder monthly(int count) {
      this.monthly = check("monthly", count);
      return this;
    }

    private static int check(String rule, int value) {
      if (value < 0) {
        throw new IllegalArgumentException(
            "retention keep-" + rule + " cannot be negative: " + value + "; give 0 or more");
      }
      return value;
    }

    /**
     * {@return the policy}
     *
     * @throws IllegalStateException if no rule was given: an empty policy would say nothing about
     *     what to keep
     */
    public RetentionPolicy build() {
      if (days < 0 && last < 0 && daily < 0 && weekly < 0 && monthly < 0) {
        throw new IllegalStateException(
            "a retention policy needs at least one rule: days, last,"
                + " daily, weekly or monthly (last(0) keeps only the newest good set)");
      }
      return new RetentionPolicy(this);
    }
  }
}
