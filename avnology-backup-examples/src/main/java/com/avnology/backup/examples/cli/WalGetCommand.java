package com.avnology.backup.examples.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code avnology-backup wal-get}: PostgreSQL's restore_command. */
@Command(
    addMethodSubcommands = false,
    name = "wal-get",
    mixinStandardHelpOptions = true,
    description =
        "Restores one archived WAL file, checking its SHA-256, as"
            + " restore_command = 'avnology-backup wal-get --from SINK %%f %%p'. Exits 1 when the"
            + " archive does not hold it (PostgreSQL asks for files that may not exist), 255 when"
            + " it cannot be served (damaged, wrong key, sink unreachable): PostgreSQL then stops"
            + " recovery instead of ending it early.")
final class WalGetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "SINK",
      description = "The WAL archive's sink: file:/path")
  String from;

  @Parameters(index = "0", paramLabel = "NAME", description = "The WAL file's name (%%f)")
  String name;

  @Parameters(index = "1", paramLabel = "DEST", description = "Where to write it (%%p)")
  Path destination;

  @picocli.CommandLine.Mixin EncryptionOptions encryption = new EncryptionOptions();

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  /**
   * PostgreSQL takes any exit code up to 125 for "no such file" and ends recovery there (then
   * promotes); above 125 it stops recovery. A damaged file, a wrong key or an unreachable sink must
   * not look like the end of the archive.
   */
  static final int RECOVERY_MUST_STOP = 255;

  @Override
  public Integer call() {
    boolean found;
    try {
      found = encryption.walArchive(Sinks.open(from)).get(name, destination);
    } catch (RuntimeException e) {
      spec.commandLine()
          .getErr()
          .println(
              "avnology-backup: error: "
                  + CliMessages.of(e)
                  + " (exit "
                  + RECOVERY_MUST_STOP
                  + ": PostgreSQL stops recovery instead of ending it"
                  + " here)");
      if (verbosity.verbose) {
        e.printStackTrace(spec.commandLine().getErr());
      }
      return RECOVERY_MUST_STOP;
    }
    if (found) {
      return ExitCodes.OK;
    }
    spec.commandLine().getErr().printf("WAL file %s is not in %s%n", name, from);
    return ExitCodes.FAILED;
  }
}
