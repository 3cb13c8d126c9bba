package com.avnology.backup.examples.cli;

import com.avnology.backup.postgres.physical.WalArchive;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code avnology-backup wal-push}: PostgreSQL's archive_command. */
@Command(
    addMethodSubcommands = false,
    name = "wal-push",
    mixinStandardHelpOptions = true,
    description =
        "Archives one WAL file, compressed and hashed, as"
            + " archive_command = 'avnology-backup wal-push --to SINK %%p'. Pushing the same file again"
            + " succeeds; a different file under an archived name is refused (exit 3).")
final class WalPushCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "SINK",
      description = "The WAL archive's sink: file:/path (WAL goes under wal/<timeline>/)")
  String to;

  @Parameters(index = "0", paramLabel = "PATH", description = "The WAL file (PostgreSQL's %%p)")
  Path file;

  @picocli.CommandLine.Mixin EncryptionOptions encryption = new EncryptionOptions();

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() {
    WalArchive.PushResult result = encryption.walArchive(Sinks.open(to)).push(file);
    if (verbosity.verbose) {
      spec.commandLine()
          .getOut()
          .printf(
              "%s %s%n",
              file.getFileName(),
              result == WalArchive.PushResult.STORED ? "archived" : "was archived already");
    }
    return ExitCodes.OK;
  }
}
