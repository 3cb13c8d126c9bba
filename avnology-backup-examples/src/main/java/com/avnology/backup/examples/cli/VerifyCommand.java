package com.avnology.backup.examples.cli;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.VerifyResult;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code avnology-backup verify}. */
@Command(
    addMethodSubcommands = false,
    name = "verify",
    mixinStandardHelpOptions = true,
    description = "Reads every artifact of a set and checks its size and SHA-256.")
final class VerifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "SINK",
      description = "The sink: file:/path or s3://bucket/prefix?endpoint=URL")
  String from;

  @Option(
      names = "--postgres",
      paramLabel = "JDBC_URL",
      description =
          "Also check this database for restores that never finished (killed, or the"
              + " server lost): the database holds part of a restore, or a swap left a database")
  String postgres;

  @Option(
      names = "--test-restore",
      paramLabel = "JDBC_URL",
      description =
          "After the artifact check, restore the set's databases into scratch databases"
              + " on this server (any database of it; the role needs CREATEDB) and its volumes into a"
              + " scratch directory, compare row counts and content digests with what the backup"
              + " recorded, then drop the scratch copies")
  String testRestore;

  @Option(
      names = "--set",
      defaultValue = "latest",
      paramLabel = "ID|latest",
      description = "The set to verify (default: ${DEFAULT-VALUE})")
  String set;

  @picocli.CommandLine.Mixin EncryptionOptions encryption = new EncryptionOptions();

  @Option(names = "--json", description = "Print the checks as JSON on stdout")
  boolean json;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() {
    if (from == null && postgres == null) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "nothing to verify: give --from SINK, --postgres JDBC_URL, or both");
    }
    java.util.List<String> unfinished =
        postgres == null ? java.util.List.of() : unfinishedRestores();
    if (from == null) {
      return reportUnfinished(unfinished, ExitCodes.OK);
    }
    BackupCatalog catalog =
        encryption
            .encryption()
            .map(e -> BackupCatalog.builder(Sinks.open(from)).encryption(e).build())
            .orElseGet(() -> BackupCatalog.of(Sinks.open(from)));
    String id =
        set.equals("latest")
            ? catalog.latest().orElseThrow(() -> new NotFoundException("no backup set in " + from))
            : set;
    long start = System.nanoTime();
    VerifyResult result = catalog.verify(id);
    long ms = (System.nanoTime() - start) / 1_000_000;
    long bytes = result.checks().stream().mapToLong(c -> c.artifact().size()).sum();
    String damage =
        result.ok()
            ? null
            : "set "
                + id
                + " is damaged: "
                + result.failures().stream()
                    .map(c -> c.artifact().path() + " " + c.problem())
                    .collect(Collectors.joining("; "));
    var wal = WalVerification.check(catalog, Sinks.open(from), encryption);
    if (wal.isPresent() && !wal.get().ok()) {
      damage = (damage == null ? "" : damage + "; ") + wal.get().summary();
    }
    if (json) {
      ObjectNode node = Json.object().put("setId", id).put("ok", result.ok() && damage == null);
      wal.ifPresent(
          w ->
              node.putObject("wal")
                  .put("ok", w.ok())
                  .put("summary", w.summary())
                  .putPOJO("missing", w.missing()));
      ArrayNode checks = node.putArray("checks");
      result
          .checks()
          .forEach(
              c ->
                  checks
                      .addObject()
                      .put("path", c.artifact().path())
                      .put("size", c.artifact().size())
                      .put("sha256", c.artifact().sha256())
                      .put("ok", c.ok())
                      .put("problem", c.problem()));
      node.put("bytes", bytes).put("durationMillis", ms);
      if (damage != null) {
        // one JSON document on stdout: the checks and the error together
        node.set("error", Json.error(ExitCodes.INTEGRITY, "integrity", damage));
        spec.commandLine().getOut().println(Json.write(node));
        spec.commandLine().getErr().println("avnology-backup: error: " + damage);
        reportUnfinished(unfinished, 0);
        return ExitCodes.INTEGRITY;
      }
      spec.commandLine().getOut().println(Json.write(node));
      return reportUnfinished(unfinished, ExitCodes.OK);
    }
    PrintWriter out = spec.commandLine().getOut();
    out.printf("set %s in %s%n", id, from);
    result
        .checks()
        .forEach(
            c ->
                out.printf(
                    "%-6s %s %s%n", c.ok() ? "ok" : "FAILED", c.artifact().path(), c.problem()));
    out.printf(
        "set %s: %d of %d artifacts ok (%d bytes read) in %d ms%n",
        id, result.checks().size() - result.failures().size(), result.checks().size(), bytes, ms);
    wal.ifPresent(w -> out.printf("%-6s %s%n", w.ok() ? "ok" : "FAILED", w.summary()));
    if (damage != null) {
      reportUnfinished(unfinished, 0);
      throw new IntegrityException(damage);
    }
    if (testRestore != null) {
      PostgresOptionsMixin db = new PostgresOptionsMixin();
      db.url = testRestore;
      var test =
          com.avnology.backup.postgres.TestRestore.builder(Sinks.open(from))
              .set(id)
              .scratchServer(db.dataSource());
      encryption.encryption().ifPresent(test::encryption);
      com.avnology.backup.RestoreResult r;
      try {
        r = test.build().run();
      } catch (com.avnology.backup.BackupException e) {
        if (e.getMessage() != null && e.getMessage().contains("healthcheck failed")) {
          // the set restores, but not to what the backup read
          throw new IntegrityException(
              "test restore of set " + id + " failed: " + e.getMessage(), e);
        }
        throw e;
      }
      out.printf("test restore of set %s: ok in %d ms%n", id, r.duration().toMillis());
      r.checks().forEach(c -> out.printf("  check %s: %s%n", c.name(), c.detail()));
    }
    return reportUnfinished(unfinished, ExitCodes.OK);
  }

  private java.util.List<String> unfinishedRestores() {
    PostgresOptionsMixin db = new PostgresOptionsMixin();
    db.url = postgres;
    db.jobs = 1;
    return db.builder().build().unfinishedRestores();
  }

  /**
   * @return {@link ExitCodes#UNFINISHED_RESTORE} if any unfinished restore was found, else ok
   */
  private int reportUnfinished(java.util.List<String> unfinished, int ok) {
    for (String u : unfinished) {
      spec.commandLine().getErr().println("avnology-backup: " + u);
    }
    if (postgres != null && unfinished.isEmpty() && !json) {
      spec.commandLine().getOut().println("no unfinished restore in the database");
    }
    return unfinished.isEmpty() ? ok : ExitCodes.UNFINISHED_RESTORE;
  }
}
