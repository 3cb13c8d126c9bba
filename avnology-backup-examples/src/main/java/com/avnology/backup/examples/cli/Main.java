package com.avnology.backup.examples.cli;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.SetRestorePlan;
import com.avnology.backup.postgres.PostgresTarget;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.postgresql.Driver;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code avnology-backup}: back up, restore, list and verify backup sets. */
@Command(
    addMethodSubcommands = false,
    name = "avnology-backup",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Backs up, restores and verifies PostgreSQL databases, S3 buckets and volumes.")
public final class Main implements Runnable {
  /** The subcommands by name, in the order help lists them. */
  private static final Map<String, Supplier<Object>> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("backup", BackupCommand::new);
    COMMANDS.put("restore", RestoreCommand::new);
    COMMANDS.put("restore-tenant", RestoreTenantCommand::new);
    COMMANDS.put("list", ListCommand::new);
    COMMANDS.put("verify", VerifyCommand::new);
    COMMANDS.put("prune", PruneCommand::new);
    COMMANDS.put("status", StatusCommand::new);
    COMMANDS.put("run", RunCommand::new);
    COMMANDS.put("demo", DemoCommand::new);
    COMMANDS.put("list-dump", ListDumpCommand::new);
    COMMANDS.put("mirror", MirrorCommand::new);
    COMMANDS.put("s3-server", S3ServerCommand::new);
    COMMANDS.put("migrate", MigrateCommand::new);
    COMMANDS.put("import", ImportCommand::new);
    COMMANDS.put("wal-push", WalPushCommand::new);
    COMMANDS.put("wal-get", WalGetCommand::new);
    COMMANDS.put("wal-stream", WalStreamCommand::new);
    COMMANDS.put("help", CommandLine.HelpCommand::new);
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /**
   * {@return whether it names a subcommand}
   *
   * @param name a word of a command line
   */
  static boolean isCommand(String name) {
    return COMMANDS.containsKey(name);
  }

  /**
   * Runs the tool and exits with its code ({@link ExitCodes}): 0 ok, 1 failed, 2 bad usage, 3
   * integrity failure.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    // A SIGINT or SIGTERM starts the JVM's shutdown: a restore under way cancels and undoes itself
    // (the library's own hook waits for that); this hook waits for the command to report how it
    // ended, so that the operator sees it and the exit code says it.
    java.util.concurrent.CountDownLatch reported = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean shutdown =
        new java.util.concurrent.atomic.AtomicBoolean();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  shutdown.set(true);
                  try {
                    reported.await(6, java.util.concurrent.TimeUnit.MINUTES);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "avnology-cli-shutdown"));
    int code;
    try {
      code = run(args);
    } catch (RuntimeException | Error e) {
      reported.countDown(); // else the hook holds the JVM's exit for its whole wait
      throw e;
    }
    System.out.flush();
    System.err.flush();
    if (shutdown.get() || shuttingDown()) {
      // exit() would block for ever once the shutdown has begun, and the JVM would end with the
      // signal's status (130/143), not ours. Halt with our code while our hook still holds the
      // shutdown: releasing it first lets the JVM's own halt win the race.
      Runtime.getRuntime().halt(code);
    }
    reported.countDown();
    System.exit(code);
  }

  /**
   * Whether the JVM's shutdown has begun. The flag our hook sets is not enough: the hooks start in
   * no particular order, and the restore's own hook may have undone the restore (and made us
   * return) before ours ran. The runtime refuses new hooks from the moment the shutdown starts.
   */
  private static boolean shuttingDown() {
    Thread probe = new Thread(() -> {});
    try {
      Runtime.getRuntime().addShutdownHook(probe);
      Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  /**
   * Runs the tool without exiting, for tests and embedding.
   *
   * @param args the command line
   * @return the exit code
   */
  public static int run(String... args) {
    // The console's encoding, which is what System.out itself uses on Java 17 (not UTF-8 under a
    // non-UTF-8 locale): the CLI's output stays what the terminal expects.
    Charset console = Charset.defaultCharset();
    return run(
        new PrintWriter(System.out, true, console),
        new PrintWriter(System.err, true, console),
        args);
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
    warmUp(args);
    boolean json = Arrays.asList(args).contains("--json");
    CommandLine cl = commandLine(args).setOut(out).setErr(err);
    return cl.setExecutionExceptionHandler(new Errors(json))
        .setParameterExceptionHandler(new UsageErrors(json, cl.getParameterExceptionHandler()))
        .execute(args);
  }

  /**
   * Picocli builds the model of every subcommand it is given, by reflection, which is a tenth of a
   * second of start-up; a command line naming one subcommand gets only that one (its help and
   * errors are the same), anything else gets them all.
   */
  static CommandLine commandLine(String... args) {
    CommandLine cl = new CommandLine(new Main());
    Supplier<Object> only =
        args.length > 0 && !args[0].equals("help") ? COMMANDS.get(args[0]) : null;
    if (only != null) {
      cl.addSubcommand(args[0], only.get());
    } else {
      COMMANDS.forEach((name, command) -> cl.addSubcommand(name, command.get()));
    }
    exitCodeHelp(cl);
    return cl;
  }

  private static void exitCodeHelp(CommandLine cl) {
    cl.getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(ExitCodes.help());
    cl.getSubcommands().values().forEach(Main::exitCodeHelp);
  }

  /**
   * Loads and initializes what most commands initialize, in the order they do, with its static
   * state (JSON factory, JDBC driver, …): the library's internal classes through its {@code
   * preload()} methods, the rest by class literal, so that a rename cannot silently drop one. The
   * literals are here, not in a field, so that the main thread does not load their classes.
   */
  private static void warm() {
    try {
      Backup.preload();
    } catch (LinkageError ignored) {
      // the command will report it, if it needs the class
    }
    for (Class<?> c :
        new Class<?>[] {
          Driver.class,
          FileSystemSink.class,
          RestorePlan.class,
          SetRestorePlan.class,
          Backup.class,
          PostgresTarget.class
        }) {
      try {
        Class.forName(c.getName(), true, c.getClassLoader());
      } catch (ClassNotFoundException | LinkageError ignored) {
        // as above
      }
    }
    try {
      PostgresTarget.preload();
    } catch (LinkageError ignored) {
      // as above
    }
  }

  /**
   * Start-up is single-threaded while the database waits; a daemon thread loads and initializes
   * what the command will need on the other core while picocli reads the command line. Nothing it
   * does has effects beyond class initialization (and loading zstd's native library).
   */
  private static void warmUp(String... args) {
    if (args.length == 0
        || !COMMANDS.containsKey(args[0])
        || args[0].equals("help")
        || Arrays.stream(args)
            .anyMatch(
                a ->
                    a.equals("-h")
                        || a.equals("--help")
                        || a.equals("-V")
                        || a.equals("--version"))) {
      return;
    }
    // Only classes whose initialization cannot fail because of the environment: a class whose
    // initializer fails here would fail later with "Could not initialize class" and no cause.
    // zstd's native library is loaded through Native.load(), which keeps no failure: the
    // command's own use reports it in full.
    boolean moves = Set.of("backup", "restore", "verify", "demo").contains(args[0]);
    Thread t =
        new Thread(
            () -> {
              warm();
              if (moves) {
                try {
                  com.github.luben.zstd.util.Native.load();
                } catch (LinkageError | RuntimeException ignored) {
                  // as above
                }
              }
            },
            "avnology-warm-up");
    t.setDaemon(true);
    t.start();
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

  /**
   * One line on stderr in the CLI's terms, and with {@code --json} an error object on stdout; the
   * exit code says what kind of failure it was ({@link ExitCodes}); the stack trace only with
   * --verbose.
   */
  static final class Errors implements CommandLine.IExecutionExceptionHandler {
    private final boolean json;

    Errors(boolean json) {
      this.json = json;
    }

    @Override
    public int handleExecutionException(
        Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
      int code = ExitCodes.of(e);
      String message = CliMessages.of(e);
      cmd.getErr().println("avnology-backup: error: " + message);
      if (Logging.verbose()) {
        e.printStackTrace(cmd.getErr());
      }
      if (json) {
        printJson(cmd.getOut(), code, CliMessages.kind(e), message);
      }
      return code;
    }
  }

  /** Picocli's usage message and exit code 2, plus the error object with {@code --json}. */
  static final class UsageErrors implements CommandLine.IParameterExceptionHandler {
    private final boolean json;
    private final CommandLine.IParameterExceptionHandler picocli;

    UsageErrors(boolean json, CommandLine.IParameterExceptionHandler picocli) {
      this.json = json;
      this.picocli = picocli;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args)
        throws Exception {
      int code = picocli.handleParseException(e, args);
      if (json) {
        printJson(e.getCommandLine().getOut(), code, "usage", CliMessages.of(e));
      }
      return code;
    }
  }

  private static void printJson(PrintWriter out, int code, String kind, String message) {
    com.fasterxml.jackson.databind.node.ObjectNode node = Json.object();
    node.set("error", Json.error(code, kind, message));
    out.println(Json.write(node));
  }
}
