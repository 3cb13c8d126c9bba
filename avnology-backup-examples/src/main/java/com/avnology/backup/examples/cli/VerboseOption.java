package com.avnology.backup.examples.cli;

import picocli.CommandLine.Option;

/**
 * {@code -v}/{@code --verbose}, which every command takes: progress logs and stack traces. {@link
 * Logging} reads it from the command line before picocli runs, so that logging is set up before
 * anything logs.
 */
final class VerboseOption {
  @Option(
      names = {"-v", "--verbose"},
      description = "Log progress and show stack traces")
  boolean verbose;
}
