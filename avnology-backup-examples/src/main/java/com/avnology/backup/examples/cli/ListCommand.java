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
@Command(
    addMethodSubcommands = false,
    name = "list",
    mixinStandardHelpOptions = true,
    description =
        "Lists the published backup sets of a sink, newest first; a set whose"
            + " manifest cannot be read is listed as DAMAGED with the reason.")
final class ListCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "SINK",
      description = "The sink: file:/path or s3://bucket/prefix?endpoint=URL")
  String from;

  @Option(names = "--json", description = "Print the sets as JSON on stdout")
  boolean json;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  /** The archived WAL range, read only; a sink that cannot list objects says so. */
  private void walRange() {
    try {
      List<String> wal =
          com.avnology.backup.postgres.physical.WalArchive.of(Sinks.open(from)).list().stream()
              .filter(n -> n.matches("[0-9A-F]{24}"))
              .sorted()
              .toList();
      spec.commandLine()
          .getOut()
          .println(
              wal.isEmpty()
                  ? "archived WAL: none"
                  : "archived WAL: "
                      + wal.size()
                      + " segments, "
                      + wal.get(0)
                      + " to "
                      + wal.get(wal.size() - 1));
    } catch (RuntimeException e) {
      spec.commandLine()
          .getOut()
          .println("archived WAL: cannot be listed here (" + e.getMessage() + ")");
    }
  }

  @Override
  public Integer call() {
    List<BackupCatalog.Entry> sets = BackupCatalog.of(Sinks.open(from)).entries();
    if (json) {
      ArrayNode array = Json.MAPPER.createArrayNode();
      for (BackupCatalog.Entry e : sets) {
        if (e.damaged()) {
          array
              .addObject()
              .put("setId", e.id())
              .put("damaged", true)
              .put("problem", e.damage().orElseThrow());
          continue;
        }
        Manifest m = e.manifest().orElseThrow();
        ObjectNode node =
            array
                .addObject()
                .put("setId", m.id())
                .put("damaged", false)
                .put("startedAt", m.startedAt().toString())
                .put("finishedAt", m.finishedAt().toString())
                .put("size", m.totalSize())
                .put("libraryVersion", m.libraryVersion());
        ArrayNode targets = node.putArray("targets");
        m.targets().forEach(t -> targets.add(t.kind() + "/" + t.name()));
        m.target("physical", "cluster")
            .ifPresent(
                t -> {
                  ObjectNode p = node.putObject("physical");
                  for (String key :
                      List.of(
                          "backup_type",
                          "parent",
                          "start_lsn",
                          "stop_lsn",
                          "timeline",
                          "wal_first",
                          "wal_last",
                          "bytes_stored",
                          "bytes_referenced")) {
                    p.put(key, t.metadata().get(key));
                  }
                });
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
      spec.commandLine()
          .getOut()
          .printf(
              "%s  %s  %12d bytes  %s%n",
              m.id(),
              m.startedAt(),
              m.totalSize(),
              m.targets().stream().map(t -> t.kind() + "/" + t.name()).toList());
      m.targets().stream()
          .filter(t -> t.kind().equals("physical"))
          .forEach(
              t ->
                  spec.commandLine()
                      .getOut()
                      .printf(
                          "    %s: %s%s, LSN %s..%s, WAL %s..%s%n",
                          t.name(),
                          t.metadata().getOrDefault("backup_type", "full"),
                          t.metadata().containsKey("parent")
                              ? " of " + t.metadata().get("parent")
                              : "",
                          t.metadata().get("start_lsn"),
                          t.metadata().get("stop_lsn"),
                          t.metadata().get("wal_first"),
                          t.metadata().get("wal_last")));
    }
    if (sets.stream()
        .anyMatch(
            e ->
                e.manifest()
                    .map(m -> m.targets().stream().anyMatch(t -> t.kind().equals("physical")))
                    .orElse(false))) {
      walRange();
    }
    return 0;
  }
}
