package com.avnology.backup.schedule;

import static java.util.Objects.requireNonNull;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;

/**
 * When a job is due. Due times are the same on every replica (an {@link #every(Duration)} interval
 * is counted from the epoch, not from the process's start), which is what lets replicas agree on
 * "the run due at 06:00" and run it once.
 *
 * <p>Immutable and thread-safe.
 */
public final class Schedule {
  private static final CronParser UNIX =
      new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

  private final Duration interval;
  private final String cron;
  private final ExecutionTime execution;

  private Schedule(Duration interval, String cron, ExecutionTime execution) {
    this.interval = interval;
    this.cron = cron;
    this.execution = execution;
  }

  /**
   * {@return the schedule}
   *
   * @param interval the time between runs, at least one second; due at every multiple of it since
   *     the epoch (every 6 hours: 00:00, 06:00, 12:00, 18:00 UTC)
   * @throws IllegalArgumentException if shorter than a second
   */
  public static Schedule every(Duration interval) {
    requireNonNull(interval, "null interval");
    if (interval.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "schedule interval must be at least 1 second: " + interval);
    }
    return new Schedule(interval, null, null);
  }

  /**
   * {@return a schedule due once a day at that time}
   *
   * @param time the time of day, in the scheduler clock's zone, to the minute
   */
  public static Schedule dailyAt(LocalTime time) {
    requireNonNull(time, "null time");
    return cron(time.getMinute() + " " + time.getHour() + " * * *");
  }

  /**
   * {@return a schedule due once a week then}
   *
   * @param day the day of the week
   * @param time the time of day, in the scheduler clock's zone, to the minute
   */
  public static Schedule weeklyOn(DayOfWeek day, LocalTime time) {
    requireNonNull(day, "null day");
    requireNonNull(time, "null time");
    return cron(
        time.getMinute()
            + " "
            + time.getHour()
            + " * * "
            + day.name().substring(0, 3).toLowerCase(Locale.ROOT));
  }

  /**
   * {@return the schedule}
   *
   * @param expression a Unix cron expression (minute hour day-of-month month day-of-week), such as
   *     {@code 0 3 * * *}, read in the scheduler clock's zone
   * @throws IllegalArgumentException if the expression is not a valid Unix cron expression
   */
  public static Schedule cron(String expression) {
    requireNonNull(expression, "null expression");
    try {
      return new Schedule(
          null, expression.trim(), ExecutionTime.forCron(UNIX.parse(expression.trim()).validate()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "not a Unix cron expression: '"
              + expression
              + "' ("
              + e.getMessage()
              + "); give five fields: minute hour day-of-month month day-of-week,"
              + " such as '0 3 * * *'",
          e);
    }
  }

  /**
   * {@return the latest due time at or before {@code time}}
   *
   * @param time a moment
   * @param zone the zone cron expressions are read in
   */
  public Instant latest(Instant time, ZoneId zone) {
    if (interval != null) {
      long step = interval.toMillis();
      return Instant.ofEpochMilli(Math.floorDiv(time.toEpochMilli(), step) * step);
    }
    ZonedDateTime at = time.atZone(zone);
    ZonedDateTime last =
        execution
            .lastExecution(at.plusSeconds(1))
            .orElseThrow(
                () -> new IllegalStateException("cron expression '" + cron + "' never fires"));
    if (last.toInstant().isAfter(time)) {
      last = execution.lastExecution(last).orElseThrow();
    }
    return last.toInstant();
  }

  /**
   * {@return the first due time after {@code time}}
   *
   * @param time a moment
   * @param zone the zone cron expressions are read in
   */
  public Instant next(Instant time, ZoneId zone) {
    if (interval != null) {
      return latest(time, zone).plus(interval);
    }
    return execution
        .nextExecution(time.atZone(zone))
        .orElseThrow(() -> new IllegalStateException("cron expression '" + cron + "' never fires"))
        .toInstant();
  }

  /**
   * {@return the time between the due time before {@code at} and the one after (for health: a job
   * is late when it has not succeeded within twice this)}
   *
   * @param zone the zone cron expressions are read in
   * @param at a moment
   */
  public Duration period(Instant at, ZoneId zone) {
    if (interval != null) {
      return interval;
    }
    Instant last = latest(at, zone);
    return Duration.between(last, next(last, zone));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Schedule s
        && java.util.Objects.equals(s.interval, interval)
        && java.util.Objects.equals(s.cron, cron);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(interval, cron);
  }

  /**
   * @return {@code every PT6H} or {@code cron 0 3 * * *}
   */
  @Override
  public String toString() {
    return interval != null ? "every " + interval : "cron " + cron;
  }
}
