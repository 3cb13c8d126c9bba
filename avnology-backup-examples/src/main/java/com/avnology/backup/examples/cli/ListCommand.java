package com.avnology.backup.examples.cli;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.Manifest;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code avnology-backup list}. */
@Command(name = "list", mixinStandardHelpOptions = true,
    description = "Lists the published backup sets of a sink, newest first; a set whose"
        + " manifest cannot be read is listed as DAMAGED with the reason.")
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "SINK",
      description = "The sink: file:/path or s3://bucket/prefix?endpoint=URL")
  String from;

  @Option(names = "--json", description = "Print the sets as JSON on stdout")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "Show stack traces")
  boolean verbose;

  @Override
  public Integer call() {
    List<BackupCatalog.Entry> sets = BackupCatalog.of(Sinks.open(from)).entries();
    if (json) {
      ArrayNode array = Json.MAPPER.createArrayNode();
      for (BackupCatalog.Entry e : sets) {
        if (e.damaged()) {
          array.addObject().put("setId", e.id()).put("damaged", true)
              .put("problem", e.damage().orElseThrow());
          continue;
        }
        Manifest m = e.manifest().orElseThrow();
        ObjectNode node = array.addObject()
            .put("setId", m.id())
            .put("damaged", false)
            .put("startedAt", m.startedAt().toString())
            .put("finishedAt", m.finishedAt().toString())
            .put("size", m.totalSize())
            .put("libraryVersion", m.libraryVersion());
        ArrayNode targets = node.putArray("targets");
        m.targets().forEach(t -> targets.add(t.kind() + "/" + t.name()));
      }
      spec.commandLine().getOut().println(Json.write(array));
      return 0;
    }
    if (sets.isEmpty()) {
      spec.commandLine().getOut().println("no backup sets in " + from);
    }
    for (BackupCatalog.Entry e : sets) {
      if (e.damaged()) {
        spec.commandLine().getOut().printf("%s  DAMAGED: %s%n", e.id(), e.damage().orElseThrow());
        continue;
      }
      Manifest m = e.manifest().orElseThrow();
      spec.commandLine().getOut().printf("%s  %s  %12d bytes  %s%n", m.id(), m.startedAt(),
          m.totalSize(), m.targets().stream().map(t -> t.kind() + "/" + t.name()).toList());
    }
    return 0;
  }
}
