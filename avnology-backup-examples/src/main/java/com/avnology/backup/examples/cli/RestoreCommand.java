package com.avnology.backup.examples.cli;

import com.avnology.backup.RestorePlan;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.TargetResult;
import com.avnology.backup.VolumeTarget;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avnology-backup restore}. */
@Command(name = "restore", mixinStandardHelpOptions = true,
    description = "Verifies a backup set, then restores the targets named.")
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "SINK",
      description = "Where the set lives: file:/path")
  String from;

  @Option(names = "--set", defaultValue = "latest", paramLabel = "ID|latest",
      description = "The set to restore (default: ${DEFAULT-VALUE})")
  String set;

  @Option(names = "--volume", paramLabel = "NAME=PATH",
      description = "Restore volume NAME into directory PATH (repeatable)")
  Map<String, Path> volumes = new LinkedHashMap<>();

  @picocli.CommandLine.Mixin PostgresOptionsMixin postgres = new PostgresOptionsMixin();

  @Option(names = "--clean",
      description = "Drop the archive's objects from the database first (else it must be empty)")
  boolean clean;

  @Option(names = "--overwrite",
      description = "Allow restoring into non-empty directories (files in the set replace theirs)")
  boolean overwrite;

  @Option(names = "--json", description = "Print the result as JSON on stdout")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "Log progress and show stack traces")
  boolean verbose;

  @Override
  public Integer call() {
    if (volumes.isEmpty() && !postgres.present()) {
      throw new ParameterException(spec.commandLine(),
          "nothing to restore: give --postgres JDBC_URL or at least one --volume NAME=PATH");
    }
    RestorePlan.Builder plan = RestorePlan.from(Sinks.open(from));
    if (!set.equals("latest")) {
      plan.set(set);
    }
    if (postgres.present()) {
      var target = postgres.builder();
      if (clean) {
        target.clean();
      }
      plan.target(target.build());
    }
    volumes.forEach((name, path) ->
        plan.target(VolumeTarget.builder(name, path).overwrite(overwrite).build()));
    RestoreResult result = plan.build().execute();
    if (json) {
      ObjectNode node = Json.object()
          .put("setId", result.setId())
          .put("verifyMillis", result.verifyDuration().toMillis())
          .put("durationMillis", result.duration().toMillis());
      Json.targets(node.putArray("targets"), result.targets());
      spec.commandLine().getOut().println(Json.write(node));
    } else {
      spec.commandLine().getOut().printf("restored set %s in %d ms (verified in %d ms)%n",
          result.setId(), result.duration().toMillis(), result.verifyDuration().toMillis());
      for (TargetResult t : result.targets()) {
        spec.commandLine().getOut().printf("  %s/%s: %d entries%n", t.kind(), t.name(),
            t.entries());
      }
    }
    return 0;
  }
}
