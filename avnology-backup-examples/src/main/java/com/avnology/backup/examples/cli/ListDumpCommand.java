package com.avnology.backup.examples.cli;

import com.avnology.backup.postgres.PgDumpArchive;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code avnology-backup list-dump}: a pg_dump archive's table of contents, like pg_restore -l. */
@Command(
    addMethodSubcommands = false,
    name = "list-dump",
    mixinStandardHelpOptions = true,
    description = "Lists a pg_dump archive (custom, directory or tar) like pg_restore -l.")
final class ListDumpCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(paramLabel = "FILE_OR_DIR", description = "The archive")
  Path archive;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() {
    spec.commandLine().getOut().print(PgDumpArchive.open(archive).listing());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
