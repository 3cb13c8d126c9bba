package com.avnology.backup.examples.cli;

import java.util.Arrays;

/**
 * Sets slf4j-simple up before the first logger exists: warnings only (or info with -v), printed as
 * {@code avnology-backup: warning: …} lines like the CLI's errors rather than as logger records.
 * Flyway's logger is off unless -v: it logs at ERROR what the CLI then reports once in its own
 * words.
 */
final class Logging {
  private static final String PREFIX = "org.slf4j.simpleLogger.";
  private static boolean verbose;

  private Logging() {}

  static void configure(String[] args) {
    verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
    if (System.getProperty(PREFIX + "defaultLogLevel") == null) {
      System.setProperty(PREFIX + "defaultLogLevel", verbose ? "info" : "warn");
    }
    System.setProperty(PREFIX + "logFile", "System.err");
    if (System.getProperty(PREFIX + "log.org.flywaydb") == null && !verbose) {
      System.setProperty(PREFIX + "log.org.flywaydb", "off");
    }
    // slf4j-simple prints "[thread] LEVEL logger - message"; the CLI prints its own lines
    setIfAbsent("showThreadName", "false");
    setIfAbsent("showLogName", "false");
    setIfAbsent("warnLevelString", "avnology-backup: warning:");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(PREFIX + key) == null) {
      System.setProperty(PREFIX + key, value);
    }
  }

  static boolean verbose() {
    return verbose;
  }
}
