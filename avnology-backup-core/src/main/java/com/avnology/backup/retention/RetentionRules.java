package com.avnology.backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The policy's rules applied to one target's sets, newest first: which rules keep which set.
 * Stateless.
 */
final class RetentionRules {
  private RetentionRules() {}

  /** One set of one target, as the rules see it. */
  record Member(String setId, Instant startedAt) {}

  /**
   * {@return set id to the reasons the policy keeps it; sets absent are not kept by the policy}
   *
   * @param label the target, {@code kind/name}, for the reasons
   * @param members its sets, newest first
   */
  static Map<String, List<String>> apply(
      RetentionPolicy policy, String label, List<Member> members, Instant now, ZoneId zone) {
    Map<String, List<String>> keep = new LinkedHashMap<>();
    policy
        .keepLast()
        .ifPresent(
            n -> {
              for (int i = 0; i < Math.min(n, members.size()); i++) {
                add(
                    keep,
                    members.get(i),
                    "keep-last " + n + ": #" + (i + 1) + " newest of " + label);
              }
            });
    policy
        .keepDays()
        .ifPresent(
            d -> {
              Instant cutoff = now.minus(Duration.ofDays(d));
              for (Member m : members) {
                if (m.startedAt().isAfter(cutoff)) {
                  add(keep, m, "keep-days " + d + ": younger than " + d + " days");
                }
              }
            });
    policy
        .keepDaily()
        .ifPresent(
            n ->
                buckets(
                    keep,
                    members,
                    n,
                    "keep-daily",
                    "day",
                    t -> LocalDate.ofInstant(t, zone).toString()));
    policy
        .keepWeekly()
        .ifPresent(
            n ->
                buckets(
                    keep,
                    members,
                    n,
                    "keep-weekly",
                    "week",
                    t -> {
                      LocalDate date = LocalDate.ofInstant(t, zone);
                      return date.get(IsoFields.WEEK_BASED_YEAR)
                          + "-W"
                          + String.format("%02d", date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
                    }));
    policy
        .keepMonthly()
        .ifPresent(
            n ->
                buckets(
                    keep,
                    members,
                    n,
                    "keep-monthly",
                    "month",
                    t -> YearMonth.from(LocalDate.ofInstant(t, zone)).toString()));
    return keep;
  }

  /** Keeps the newest set of each of the newest {@code n} periods that have one. */
  private static void buckets(
      Map<String, List<String>> keep,
      List<Member> members,
      int n,
      String rule,
      String unit,
      Function<Instant, String> period) {
    Set<String> seen = new HashSet<>();
    for (Member m : members) {
      if (seen.size() >= n) {
        return;
      }
      String p = period.apply(m.startedAt());
      if (seen.add(p)) {
        add(keep, m, rule + " " + n + ": newest of " + unit + " " + p);
      }
    }
  }

  private static void add(Map<String, List<String>> keep, Member m, String reason) {
    keep.computeIfAbsent(m.setId(), k -> new ArrayList<>()).add(reason);
  }
}
