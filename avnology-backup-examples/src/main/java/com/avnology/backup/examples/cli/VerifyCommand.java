package com.avnology.backup.examples.cli;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.VerifyResult;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code avnology-backup verify}. */
@Command(name = "verify", mixinStandardHelpOptions = true,
    description = "Reads every artifact of a set and checks its size and SHA-256.")
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "SINK",
      description = "The sink: file:/path")
  String from;

  @Option(names = "--set", defaultValue = "latest", paramLabel = "ID|latest",
      description = "The set to verify (default: ${DEFAULT-VALUE})")
  String set;

  @picocli.CommandLine.Mixin EncryptionOptions encryption = new EncryptionOptions();

  @Option(names = "--json", description = "Print the checks as JSON on stdout")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "Show stack traces")
  boolean verbose;

  @Override
  public Integer call() {
    BackupCatalog catalog = encryption.encryption()
        .map(e -> BackupCatalog.of(Sinks.open(from), e))
        .orElseGet(() -> BackupCatalog.of(Sinks.open(from)));
    String id = set.equals("latest")
        ? catalog.latest().orElseThrow(() -> new NotFoundException("no backup set in " + from))
        : set;
    VerifyResult result = catalog.verify(id);
    if (json) {
      ObjectNode node = Json.object().put("setId", id).put("ok", result.ok());
      ArrayNode checks = node.putArray("checks");
      result.checks().forEach(c -> checks.addObject()
          .put("path", c.artifact().path())
          .put("size", c.artifact().size())
          .put("sha256", c.artifact().sha256())
          .put("ok", c.ok())
          .put("problem", c.problem()));
      spec.commandLine().getOut().println(Json.write(node));
    } else {
      result.checks().forEach(c -> spec.commandLine().getOut().printf("%-6s %s %s%n",
          c.ok() ? "ok" : "FAILED", c.artifact().path(), c.problem()));
    }
    if (!result.ok()) {
      throw new IntegrityException("set " + id + " is damaged: " + result.failures().stream()
          .map(c -> c.artifact().path() + " " + c.problem()).collect(Collectors.joining("; ")));
    }
    return 0;
  }
}
