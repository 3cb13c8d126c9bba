package com.avnology.backup.examples.cli;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a library or Flyway failure message into one line in the CLI's terms: library calls become
 * the flags that make them ({@code clean()} becomes {@code --clean}), Flyway's advice for its own
 * command line goes, and a prefix a wrapping exception repeated is said once. The library keeps
 * naming its calls, which is what a library user needs.
 */
final class CliMessages {
  /** A library phrase and the CLI's; each is checked by a test that provokes it. */
  private record Rule(Pattern pattern, String replacement) {
    static Rule of(String regex, String replacement) {
      return new Rule(Pattern.compile(regex), replacement);
    }
  }

  private static final List<Rule> RULES =
      List.of(
          Rule.of("choose clean\\(\\) \\(CLI --clean\\)", "give --clean"),
          Rule.of("the objects clean\\(\\) dropped", "the objects --clean dropped"),
          Rule.of("clean\\(\\)", "--clean"),
          Rule.of("call force\\(true\\) to", "give --force to"),
          Rule.of("choose OverwritePolicy\\.IF_DIFFERENT or ALWAYS", "give --overwrite"),
          Rule.of(
              "allow overwrite \\(VolumeTarget\\.Builder\\.overwrite, CLI --overwrite\\)",
              "give --overwrite"),
          Rule.of("use safetySnapshot\\(\\) to rewind", "give --snapshot DIR to rewind"),
          Rule.of("without safetySnapshot\\(\\)", "without --snapshot"),
          Rule.of("give baselineVersion\\(version\\) with", "give --baseline-version VERSION with"),
          Rule.of(
              "choose skip \\(keep the live rows\\) or overwrite",
              "give --on-conflict skip (keep the live rows) or --on-conflict overwrite"),
          Rule.of("KeySource\\.env\\(([^)]*)\\)", "--key-env $1"),
          Rule.of("KeySource\\.passphrase\\(\\*+\\)", "the passphrase of --passphrase-env"),
          Rule.of("KeySource\\.raw\\(\\*+\\)", "a raw key"),
          // Flyway's own: advice for its command line, and its name for baselining
          Rule.of(
              "[;.]?\\s*(?:Statement\\s*:\\s*)?Run Flyway with -X option to see the actual"
                  + " [a-z ]+\\.?",
              ""),
          Rule.of("\\(version was null, now", "(version was none, now"),
          Rule.of(";(\\s*;)+", ";"),
          Rule.of(
              "Use baseline\\(\\) or set baselineOnMigrate to true to initialize the schema"
                  + " history table\\.?",
              "give --baseline-version VERSION, the version the schema is"
                  + " at, to record it as applied and migrate from there"));

  /** "backup of postgres/main failed, set X was not published: backup of postgres/main failed:" */
  private static final Pattern REPEATED =
      Pattern.compile("\\b((?:backup|restore|verification) of \\S+) failed([^:]*): \\1 failed: ");

  /** Clauses that say what state a failure left behind. */
  private static final Pattern LEFT =
      Pattern.compile(
          "(?i)[^;:.,]*(nothing (?:was|changed)"
              + "|not published|dropped again|is as it was|is as before|stay applied|nothing was"
              + " restored)[^;:.]*");

  private CliMessages() {}

  /**
   * {@return its message on one line, in the CLI's terms}
   *
   * @param failure what the command threw
   */
  static String of(Throwable failure) {
    String message =
        failure.getMessage() == null || failure.getMessage().isBlank()
            ? failure.getClass().getSimpleName()
            : failure.getMessage();
    return translate(message);
  }

  static String translate(String message) {
    String m = message.replaceAll("\\s*\\R\\s*", " ");
    for (Rule r : RULES) {
      m = r.pattern().matcher(m).replaceAll(r.replacement());
    }
    Matcher repeated = REPEATED.matcher(m);
    while (repeated.find()) {
      m = repeated.replaceFirst("$1 failed$2: ");
      repeated = REPEATED.matcher(m);
    }
    return m.replaceAll("\\s{2,}", " ").replaceAll(" ([;.,])", "$1").strip();
  }

  /**
   * {@return the clause saying what the failure left behind, if the message has one}
   *
   * @param message a translated message
   */
  static Optional<String> left(String message) {
    Matcher m = LEFT.matcher(message);
    return m.find() ? Optional.of(m.group().strip()) : Optional.empty();
  }

  /** {@return a short name of the failure's kind, for {@code --json} error objects} */
  static String kind(Throwable failure) {
    if (failure instanceof com.avnology.backup.IntegrityException) {
      return "integrity";
    }
    if (failure instanceof com.avnology.backup.NotFoundException) {
      return "not_found";
    }
    if (failure instanceof com.avnology.backup.KeyException) {
      return "key";
    }
    if (failure instanceof picocli.CommandLine.ParameterException) {
      return "usage";
    }
    if (failure instanceof IllegalArgumentException) {
      return "bad_value";
    }
    return "failed";
  }
}
