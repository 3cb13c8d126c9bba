package com.avnology.backup.examples.cli;

import com.avnology.backup.BackupSink;
import com.avnology.backup.SinkStatus;
import com.avnology.backup.schedule.JobHistory;
import com.avnology.backup.schedule.RunRecord;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code avnology-backup status}. */
@Command(
    addMethodSubcommands = false,
    name = "status",
    mixinStandardHelpOptions = true,
    description =
        "Shows, per target (kind/name) of a sink, the newest set, its time and size,"
            + " and how many sets there are; per job of a run --config sidecar writing to it, the"
            + " last run, last success (duration, bytes), next due time and failures in a row;"
            + " then damaged sets and the archived WAL range. Reads manifests and job records"
            + " only.")
final class StatusCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "SINK",
      description = "The sink: file:/path or s3://bucket/prefix?endpoint=URL")
  String from;

  @Option(names = "--json", description = "Print the status as JSON on stdout")
  boolean json;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() {
    BackupSink sink = Sinks.open(from);
    SinkStatus status = SinkStatus.of(sink);
    List<JobHistory> jobs = JobHistory.read(sink);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      ObjectNode node = json(status);
      ArrayNode array = node.putArray("jobs");
      for (JobHistory j : jobs) {
        ObjectNode o =
            array
                .addObject()
                .put("job", j.job())
                .put("schedule", j.schedule())
                .put("nextDue", j.nextDue().toString())
                .put("runs", j.runs())
                .put("failuresInARow", j.failures());
        run(o.putObject("lastRun"), j.lastRun());
        j.lastSuccess().ifPresent(r -> run(o.putObject("lastSuccess"), r));
      }
      out.println(Json.write(node));
      return ExitCodes.OK;
    }
    if (status.targets().isEmpty()) {
      out.println("no backup sets in " + from);
    } else {
      out.printf(
          "%-28s %5s  %-28s %-24s %14s  %s%n",
          "TARGET", "SETS", "NEWEST SET", "NEWEST STARTED", "NEWEST BYTES", "OLDEST STARTED");
    }
    for (SinkStatus.Target t : status.targets()) {
      out.printf(
          "%-28s %5d  %-28s %-24s %14d  %s%n",
          t.kind() + "/" + t.name(),
          t.sets(),
          t.newestSetId(),
          t.newestStartedAt(),
          t.newestSize(),
          t.oldestStartedAt());
    }
    status
        .damaged()
        .forEach(
            id -> out.printf("DAMAGED set %s: its manifest cannot be read" + " (see list)%n", id));
    if (!jobs.isEmpty()) {
      out.printf(
          "%n%-20s %-8s %-24s %-24s %10s %14s  %-24s %s%n",
          "JOB",
          "LAST",
          "LAST RUN",
          "LAST SUCCESS",
          "DURATION",
          "BYTES",
          "NEXT DUE",
          "FAILURES IN A ROW");
      for (JobHistory j : jobs) {
        RunRecord last = j.lastRun();
        out.printf(
            "%-20s %-8s %-24s %-24s %10s %14s  %-24s %d%n",
            j.job(),
            last.succeeded() ? "ok" : "FAILED",
            last.startedAt(),
            j.lastSuccess().map(r -> r.finishedAt().toString()).orElse("never"),
            j.lastSuccess().map(r -> r.duration().toMillis() + " ms").orElse("-"),
            j.lastSuccess().map(r -> Long.toString(r.bytes())).orElse("-"),
            j.nextDue(),
            j.failures());
        if (!last.succeeded()) {
          out.printf("  %s failed: %s%n", j.job(), last.message());
        }
      }
    }
    if (status.walFiles() > 0) {
      out.printf(
          "WAL: %d files, %s to %s%n",
          status.walFiles(), status.walFirst().orElseThrow(), status.walLast().orElseThrow());
    }
    return ExitCodes.OK;
  }

  private static void run(ObjectNode o, RunRecord r) {
    o.put("due", r.due().toString())
        .put("startedAt", r.startedAt().toString())
        .put("finishedAt", r.finishedAt().toString())
        .put("succeeded", r.succeeded())
        .put("message", r.message())
        .put("setId", r.setId().orElse(null))
        .put("bytes", r.bytes())
        .put("durationMillis", r.duration().toMillis());
  }

  private static ObjectNode json(SinkStatus status) {
    ObjectNode node = Json.object();
    ArrayNode targets = node.putArray("targets");
    for (SinkStatus.Target t : status.targets()) {
      targets
          .addObject()
          .put("kind", t.kind())
          .put("name", t.name())
          .put("sets", t.sets())
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
