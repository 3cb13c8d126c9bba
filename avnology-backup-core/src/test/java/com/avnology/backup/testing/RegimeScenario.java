package com.avnology.backup.testing;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupResult;
import com.avnology.backup.BackupSink;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.retention.Pruner;
import com.avnology.backup.retention.RetentionPolicy;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runbook's regime in simulated time: a database job every 6 hours (00, 06, 12, 18 UTC), a
 * bucket job nightly at 01:00 and a volume job weekly on Sundays at 04:00, each backup run through
 * {@link Backup} with a {@link SimClock}, the sink pruned every {@code pruneEveryDays} days after
 * the day's jobs and once more at the end.
 */
public final class RegimeScenario {
  /** The first simulated moment: a Thursday. */
  public static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** A backup that published a set. */
  public record Published(String target, Instant at, String setId) {}

  private final BackupSink sink;
  private final SimClock clock = new SimClock(START);
  private final Map<String, BackupTarget> jobs = new LinkedHashMap<>();

  /**
   * @param sink where the sets go
   * @param database the 6-hourly target
   * @param bucket the nightly target
   * @param volume the weekly target
   */
  public RegimeScenario(
      BackupSink sink, BackupTarget database, BackupTarget bucket, BackupTarget volume) {
    this.sink = sink;
    jobs.put("db", database);
    jobs.put("bucket", bucket);
    jobs.put("volume", volume);
  }

  /** Returns the clock the scenario moves. */
  public SimClock clock() {
    return clock;
  }

  /**
   * Runs the jobs from {@link #START} for {@code days} days.
   *
   * @param days how long
   * @param policy the retention applied
   * @param pruneEveryDays how often the sink is pruned
   * @param failFrom from this moment on, every backup fails (its target is down)
   * @return the backups that published a set, in time order
   */
  public List<Published> run(
      int days, RetentionPolicy policy, int pruneEveryDays, Instant failFrom) {
    Pruner pruner = Pruner.builder(sink, policy).clock(clock).build();
    List<Published> published = new ArrayList<>();
    for (int day = 0; day < days; day++) {
      Instant midnight = START.plus(Duration.ofDays(day));
      for (Map.Entry<Instant, String> event : events(midnight).entrySet()) {
        clock.set(event.getKey());
        BackupTarget target = jobs.get(event.getValue());
        boolean down = !event.getKey().isBefore(failFrom);
        try {
          BackupResult r =
              Backup.builder()
                  .target(down ? new Down(target) : target)
                  .sink(sink)
                  .clock(clock)
                  .build()
                  .run();
          published.add(
              new Published(target.kind() + "/" + target.name(), event.getKey(), r.setId()));
        } catch (BackupException e) {
          if (!down) {
            throw e;
          }
        }
      }
      if ((day + 1) % pruneEveryDays == 0) {
        clock.set(midnight.plus(Duration.ofHours(23)));
        pruner.prune();
      }
    }
    clock.set(end(days));
    return published;
  }

  /** Returns the moment the scenario ends, when its final prune runs. */
  public static Instant end(int days) {
    return START.plus(Duration.ofDays(days));
  }

  /**
   * Returns the sets keep-days leaves at the end, as {@code kind/name@startedAt}, sorted.
   *
   * @param published what {@link #run} returned
   * @param days how long it ran
   * @param keepDays the policy's keep-days
   */
  public static List<String> keptByDays(List<Published> published, int days, int keepDays) {
    Instant cutoff = end(days).minus(Duration.ofDays(keepDays));
    return published.stream()
        .filter(p -> p.at().isAfter(cutoff))
        .map(p -> p.target() + "@" + p.at())
        .sorted()
        .toList();
  }

  /** Returns every published set of the sink as {@code kind/name@startedAt}, sorted. */
  public static List<String> sets(BackupSink sink) {
    List<String> sets = new ArrayList<>();
    for (Manifest m : BackupCatalog.of(sink).list()) {
      m.targets().forEach(t -> sets.add(t.kind() + "/" + t.name() + "@" + m.startedAt()));
    }
    sets.sort(null);
    return sets;
  }

  private static Map<Instant, String> events(Instant midnight) {
    Map<Instant, String> events = new java.util.TreeMap<>(Comparator.naturalOrder());
    for (int h = 0; h < 24; h += 6) {
      events.put(midnight.plus(Duration.ofHours(h)), "db");
    }
    events.put(midnight.plus(Duration.ofHours(1)), "bucket");
    if (midnight.atZone(ZoneOffset.UTC).getDayOfWeek() == DayOfWeek.SUNDAY) {
      events.put(midnight.plus(Duration.ofHours(4)), "volume");
    }
    return events;
  }

  /** The target of a job whose system is down: its backups fail. */
  private record Down(BackupTarget target) implements BackupTarget {
    @Override
    public String kind() {
      return target.kind();
    }

    @Override
    public String name() {
      return target.name();
    }

    @Override
    public void backup(BackupContext context) {
      throw new BackupException(kind() + "/" + name() + " is down (simulated outage)");
    }

    @Override
    public void restore(RestoreContext context) {
      throw new UnsupportedOperationException();
    }
  }
}
