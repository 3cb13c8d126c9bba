package com.avnology.backup.examples.cli;

import com.avnology.backup.SinkStatus;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code avnology-backup status}. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Shows, per target (kind/name) of a sink, the newest set, its time and size,"
        + " and how many sets there are; then damaged sets and the archived WAL range. Reads"
        + " manifests only.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--from", required = true, paramLabel = "SINK",
      description = "The sink: file:/path or s3://bucket/prefix?endpoint=URL")
  String from;

  @Option(names = "--json", description = "Print the status as JSON on stdout")
  boolean json;

  @Option(names = {"-v", "--verbose"}, description = "Show stack traces")
  boolean verbose;

  @Override
  public Integer call() {
    SinkStatus status = SinkStatus.of(Sinks.open(from));
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(Json.write(json(status)));
      return ExitCodes.OK;
    }
    if (status.targets().isEmpty()) {
      out.println("no backup sets in " + from);
    } else {
      out.printf("%-28s %5s  %-28s %-24s %14s  %s%n", "TARGET", "SETS", "NEWEST SET",
          "NEWEST STARTED", "NEWEST BYTES", "OLDEST STARTED");
    }
    for (SinkStatus.Target t : status.targets()) {
      out.printf("%-28s %5d  %-28s %-24s %14d  %s%n", t.kind() + "/" + t.name(), t.sets(),
          t.newestSetId(), t.newestStartedAt(), t.newestSize(), t.oldestStartedAt());
    }
    status.damaged().forEach(id -> out.printf("DAMAGED set %s: its manifest cannot be read"
        + " (see list)%n", id));
    if (status.walFiles() > 0) {
      out.printf("WAL: %d files, %s to %s%n", status.walFiles(), status.walFirst().orElseThrow(),
          status.walLast().orElseThrow());
    }
    return ExitCodes.OK;
  }

  private static ObjectNode json(SinkStatus status) {
    ObjectNode node = Json.object();
    ArrayNode targets = node.putArray("targets");
    for (SinkStatus.Target t : status.targets()) {
      targets.addObject().put("kind", t.kind()).put("name", t.name()).put("sets", t.sets())
          .put("newestSetId", t.newestSetId())
          .put("newestStartedAt", t.newestStartedAt().toString())
          .put("newestFinishedAt", t.newestFinishedAt().toString())
          .put("newestSize", t.newestSize())
          .put("oldestStartedAt", t.oldestStartedAt().toString());
    }
    status.damaged().forEach(node.putArray("damaged")::add);
    node.put("walFiles", status.walFiles())
        .put("walFirst", status.walFirst().orElse(null))
        .put("walLast", status.walLast().orElse(null));
    return node;
  }
}
