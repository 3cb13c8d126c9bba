package com.avnology.backup.examples.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code avnology-backup}: back up, restore, list and verify backup sets. */
@Command(
    name = "avnology-backup",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Backs up, restores and verifies volumes (and soon Postgres and S3 buckets).",
    subcommands = {
      BackupCommand.class,
      RestoreCommand.class,
      ListCommand.class,
      VerifyCommand.class,
      DemoCommand.class,
      ListDumpCommand.class,
      MirrorCommand.class,
      S3ServerCommand.class,
      MigrateCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * Runs the tool and exits with its code: 0 on success, 1 on failure, 2 on bad usage.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /**
   * Runs the tool without exiting, for tests and embedding.
   *
   * @param args the command line
   * @return the exit code
   */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /**
   * Runs the tool without exiting, writing to the given streams.
   *
   * @param out where results go
   * @param err where errors go
   * @param args the command line
   * @return the exit code
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    Logging.configure(args);
    return new CommandLine(new Main())
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler(new Errors())
        .execute(args);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /** Prints the library version. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      Package p = Main.class.getPackage();
      String v = p.getImplementationVersion();
      return new String[] {"avnology-backup " + (v == null ? "(development build)" : v)};
    }
  }

  /** One line on stderr, exit code 1; the stack trace only with --verbose. */
  static final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(
        Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
      String message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
      cmd.getErr().println("avnology-backup: error: " + message.replace('\n', ' '));
      if (Logging.verbose()) {
        e.printStackTrace(cmd.getErr());
      }
      return 1;
    }
  }
}
