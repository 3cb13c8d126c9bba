package com.avnology.backup.examples.cli;

import java.util.Arrays;

/** Sets slf4j-simple's level before the first logger exists: warnings only, or info with -v. */
final class Logging {
  private static boolean verbose;

  private Logging() {}

  static void configure(String[] args) {
    verbose = Arrays.stream(args).anyMatch(a -> a.equals("-v") || a.equals("--verbose"));
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
  }

  static boolean verbose() {
    return verbose;
  }
}
