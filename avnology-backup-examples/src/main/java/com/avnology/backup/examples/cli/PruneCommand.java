package com.avnology.backup.examples.cli;

import com.avnology.backup.retention.PruneReport;
import com.avnology.backup.retention.Pruner;
import com.avnology.backup.retention.RetentionPolicy;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avnology-backup prune}. */
@Command(
    addMethodSubcommands = false,
    name = "prune",
    mixinStandardHelpOptions = true,
    description = {
      "Deletes the sets a retention policy lets go, per target (kind/name), and the"
          + " archived WAL no kept base backup needs. The newest good set of every target (its"
          + " artifacts verified) always stays, whatever the policy says; a set whose manifest"
          + " cannot be read is never deleted. Each set is unpublished (manifest first) before its"
          + " artifacts go, so an interrupted prune leaves no half-set that lists as good.",
      "Prints every set with the rules that keep it or why it goes."
    })
final class PruneCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "SINK",
      description = "The sink: file:/path or s3://bucket/prefix?endpoint=URL")
  String from;

  @Option(
      names = "--keep-days",
      paramLabel = "D",
      description =
          "Keep every set younger than D days (and, for physical backups, the base"
              + " backup a point-in-time recovery to the start of that window needs)")
  Integer days;

  @Option(
      names = "--keep-last",
      paramLabel = "N",
      description = "Keep the N newest sets of each target; 0 keeps only the newest good set")
  Integer last;

  @Option(
      names = "--keep-daily",
      paramLabel = "D",
      description = "Keep the newest set of each of the last D days that have one")
  Integer daily;

  @Option(
      names = "--keep-weekly",
      paramLabel = "W",
      description = "Keep the newest set of each of the last W ISO weeks that have one")
  Integer weekly;

  @Option(
      names = "--keep-monthly",
      paramLabel = "M",
      description = "Keep the newest set of each of the last M months that have one")
  Integer monthly;

  @Option(
      names = "--dry-run",
      description = "Print what would be kept and deleted; delete" + " nothing")
  boolean dryRun;

  @Option(names = "--json", description = "Print the decisions as JSON on stdout")
  boolean json;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() {
    Pruner pruner = Pruner.builder(Sinks.open(from), policy()).build();
    PruneReport report = dryRun ? pruner.dryRun() : pruner.prune();
    if (json) {
      spec.commandLine().getOut().println(Json.write(json(report)));
    } else {
      print(report, spec.commandLine().getOut());
    }
    return ExitCodes.OK;
  }

  private RetentionPolicy policy() {
    if (days == null && last == null && daily == null && weekly == null && monthly == null) {
      throw new ParameterException(
          spec.commandLine(),
          "no retention rule: give --keep-days,"
              + " --keep-last, or --keep-daily/--keep-weekly/--keep-monthly (--keep-last 0 keeps only"
              + " the newest good set of each target)");
    }
    try {
      RetentionPolicy.Builder b = RetentionPolicy.builder();
      if (days != null) {
        b.days(days);
      }
      if (last != null) {
        b.last(last);
      }
      if (daily != null) {
        b.daily(daily);
      }
      if (weekly != null) {
        b.weekly(weekly);
      }
      if (monthly != null) {
        b.monthly(monthly);
      }
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(
          spec.commandLine(), e.getMessage().replaceFirst("^retention keep-", "--keep-"));
    }
  }

  private void print(PruneReport report, PrintWriter out) {
    out.printf(
        "%s%s on %s at %s%n",
        report.dryRun() ? "dry run: " : "", report.policy(), from, report.now());
    for (PruneReport.Decision d : report.sets()) {
      out.printf(
          "%-6s %s  %s  %s%n",
          d.keep() ? "keep" : report.dryRun() ? "DELETE" : "deleted",
          d.setId(),
          d.targets(),
          String.join("; ", d.reasons()));
    }
    List<String> wal = report.walExpired();
    report
        .walKeptFrom()
        .ifPresent(
            first ->
                out.printf(
                    "WAL: %d files %s%s; kept from %s%n",
                    wal.size(),
                    report.dryRun() ? "would expire" : "expired",
                    wal.isEmpty() ? "" : " (" + wal.get(0) + " to " + wal.get(wal.size() - 1) + ")",
                    first));
    out.printf(
        "%d sets kept, %d %s%n",
        report.kept().size(),
        report.deleted().size(),
        report.dryRun() ? "would be deleted (dry run: nothing was deleted)" : "deleted");
  }

  private static ObjectNode json(PruneReport report) {
    ObjectNode node =
        Json.object()
            .put("dryRun", report.dryRun())
            .put("policy", report.policy())
            .put("now", report.now().toString());
    ArrayNode sets = node.putArray("sets");
    for (PruneReport.Decision d : report.sets()) {
      ObjectNode set =
          sets.addObject()
              .put("setId", d.setId())
              .put("startedAt", d.startedAt().toString())
              .put("keep", d.keep());
      d.targets().forEach(set.putArray("targets")::add);
      d.reasons().forEach(set.putArray("reasons")::add);
    }
    report.walExpired().forEach(node.putArray("walExpired")::add);
    node.put("walKeptFrom", report.walKeptFrom().orElse(null));
    return node;
  }
}
