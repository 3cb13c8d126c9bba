package com.avnology.backup.examples.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code avnology-backup demo}: an embedded PostgreSQL with a sample identity-stack schema, backed
 * up, restored into a fresh database and compared.
 */
@Command(
    addMethodSubcommands = false,
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Backs up a sample identity database on an embedded PostgreSQL to an embedded"
            + " S3 server, restores it into a fresh database, compares the two and prints a report."
            + " Leaves nothing behind.")
final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--identities",
      defaultValue = "20000",
      paramLabel = "N",
      description = "Identities to generate (sessions: 3 per identity; default: ${DEFAULT-VALUE})")
  int identities;

  @Option(
      names = "--jobs",
      defaultValue = "2",
      paramLabel = "N",
      description = "Parallel connections (default: ${DEFAULT-VALUE})")
  int jobs;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() throws Exception {
    DemoJar.require("demo");
    return Demo.run(spec.commandLine().getOut(), identities, jobs);
  }
}
