package com.avnology.backup.examples.cli;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** {@code --progress auto|json|none} and {@code --progress-interval DURATION}. */
final class ProgressOptions {
  @Option(
      names = "--progress",
      defaultValue = "auto",
      paramLabel = "auto|json|none",
      description =
          "auto: one updating line on stderr when it is a terminal, else a line every"
              + " --progress-interval (so a short run prints nothing); json: one JSON event a line on"
              + " stderr, for tools; none (default: ${DEFAULT-VALUE})")
  String progress;

  @Option(
      names = "--progress-interval",
      paramLabel = "DURATION",
      description =
          "When stderr is not a terminal (a container log), print a progress line this"
              + " often, such as 30s or 5m (default: ${DEFAULT-VALUE})",
      defaultValue = "60s")
  String interval;

  // Java 17: System.console() is null exactly when stdin/stdout are not a terminal (isTerminal()
  // that newer JDKs need is Java 22)
  @SuppressWarnings("SystemConsoleNull")
  ProgressPrinter printer(PrintWriter err) {
    Duration every = Durations.parse(interval);
    switch (progress) {
      case "none" -> {
        return ProgressPrinter.none();
      }
      case "json" -> {
        return ProgressPrinter.json(err);
      }
      case "auto" -> {
        if (System.console() != null) {
          return ProgressPrinter.terminal(err);
        }
        return ProgressPrinter.lines(err, every);
      }
      default ->
          throw new IllegalArgumentException(
              "--progress takes auto, json or none, not '" + progress + "'");
    }
  }
}
