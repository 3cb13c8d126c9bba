package com.avnology.backup.examples.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code 30s}, {@code 15m}, {@code 24h}, {@code 7d}. */
final class Durations {
  private static final Pattern FORM = Pattern.compile("(\\d+)([smhd])");

  private Durations() {}

  static Duration parse(String text) {
    Matcher m = FORM.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration: '" + text + "'; use 30s, 15m, 24h or 7d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }
}
