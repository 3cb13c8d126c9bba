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
@Command(
    addMethodSubcommands = false,
    name = "restore",
    mixinStandardHelpOptions = true,
    description =
        "Restores the targets named from a backup set; every artifact used is checked"
            + " (before anything is written, or as a database without --clean loads).")
final class RestoreCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "SINK",
      description = "Where the set lives: file:/path or s3://bucket/prefix?endpoint=URL")
  String from;

  @Option(
      names = "--from-dump",
      paramLabel = "FILE_OR_DIR",
      description =
          "Restore a pg_dump archive into --postgres instead: a custom-format .dump"
              + " (pg_dump -Fc), a directory holding toc.dat (-Fd) or a tar file (-Ft), archive"
              + " versions 1.12-1.16, data compressed with none, gzip, lz4 or zstd")
  java.nio.file.Path fromDump;

  @Option(
      names = "--set",
      defaultValue = "latest",
      paramLabel = "ID|latest",
      description = "The set to restore (default: ${DEFAULT-VALUE})")
  String set;

  @Option(
      names = "--volume",
      paramLabel = "NAME=PATH",
      description = "Restore volume NAME into directory PATH (repeatable)")
  Map<String, Path> volumes = new LinkedHashMap<>();

  @picocli.CommandLine.Mixin EncryptionOptions encryption = new EncryptionOptions();

  @picocli.CommandLine.Mixin PostgresOptionsMixin postgres = new PostgresOptionsMixin();

  @picocli.CommandLine.Mixin PhysicalRestoreOptions physical = new PhysicalRestoreOptions();

  @Option(
      names = "--clean",
      description =
          "Replace the archive's objects in a non-empty database (else it must be"
              + " empty); in one transaction unless --swap, so the old data stays if anything fails")
  boolean clean;

  @Option(
      names = "--single-transaction",
      description =
          "Restore the database in one transaction on one connection (the default with"
              + " --clean): whatever stops the restore, even kill -9, it is rolled back")
  boolean singleTransaction;

  @Option(
      names = "--swap",
      description =
          "Restore into a new database beside the target one, in parallel, then swap"
              + " their names (and drop the old one): the target is untouched until the swap. Replaces"
              + " the whole database; needs CREATEDB and no other sessions on it at the swap")
  boolean swap;

  @Option(
      names = "--overwrite",
      description = "Allow restoring into non-empty directories (files in the set replace theirs)")
  boolean overwrite;

  @Option(
      names = "--bucket",
      paramLabel = "NAME=S3_URI",
      description =
          "Restore bucket backup NAME into s3://bucket/prefix?endpoint=... (repeatable);"
              + " differing existing objects are refused unless --overwrite")
  Map<String, String> buckets = new LinkedHashMap<>();

  @picocli.CommandLine.Mixin ProgressOptions progress = new ProgressOptions();

  @Option(
      names = "--healthcheck",
      arity = "0..1",
      paramLabel = "URL",
      fallbackValue = "",
      description =
          "After the restore, check that each target holds what the backup recorded"
              + " (database row counts and content digests, bucket objects and bytes, volume files"
              + " and bytes); with a URL, also that it answers a GET with 2xx (as --healthcheck-url);"
              + " a failed check fails the command")
  String healthcheck;

  @Option(
      names = "--healthcheck-url",
      paramLabel = "URL",
      description =
          "After the restore, GET this URL (the stack's health endpoint), which must"
              + " answer 2xx within 10 s (repeatable)")
  java.util.List<java.net.URI> healthcheckUrls = new java.util.ArrayList<>();

  @Option(
      names = "--migrate",
      split = ",",
      paramLabel = "LOCATION",
      description =
          "After the restore and its built-in checks, migrate the database to the latest"
              + " version (Flyway locations: filesystem:DIR, classpath:PATH), before --healthcheck-url")
  java.util.List<String> migrate = new java.util.ArrayList<>();

  @Option(
      names = "--baseline-version",
      paramLabel = "VERSION",
      description =
          "With --migrate, for a database without Flyway's history table: record"
              + " VERSION as applied, then apply only later migrations")
  String baselineVersion;

  @Option(
      names = "--dry-run",
      description =
          "Say what the restore would do (steps, sources, destinations, sizes, what it"
              + " would drop or overwrite) and write nothing")
  boolean dryRun;

  @Option(names = "--json", description = "Print the result as JSON on stdout")
  boolean json;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() {
    if ((from == null) == (fromDump == null)) {
      throw new ParameterException(
          spec.commandLine(), "give exactly one of --from SINK and --from-dump FILE_OR_DIR");
    }
    if (fromDump != null) {
      return restoreDump();
    }
    if (volumes.isEmpty() && buckets.isEmpty() && !postgres.present() && !physical.present()) {
      throw new ParameterException(
          spec.commandLine(),
          "nothing to restore: give --postgres JDBC_URL, --volume NAME=PATH or"
              + " --bucket NAME=S3_URI (each repeatable but --postgres), or --data-dir NEWDIR"
              + " for a physical backup");
    }
    com.avnology.backup.BackupSink sink = Sinks.open(from);
    com.avnology.backup.SetRestorePlan.Builder plan = RestorePlan.builder(sink);
    encryption.encryption().ifPresent(plan::encryption);
    if (physical.present()) {
      plan.target(physical.target(spec, from, postgres.jobs));
      physical.set(spec, sink, set).ifPresent(plan::set);
    } else if (!set.equals("latest")) {
      plan.set(set);
    }
    if (postgres.present()) {
      plan.target(databaseTarget().build());
    }
    buckets.forEach(
        (name, uri) -> {
          S3Uri s3 = S3Uri.parse(uri);
          plan.target(
              com.avnology.backup.s3.BucketTarget.builder(name, s3.async(), s3.bucket())
                  .prefix(s3.prefix())
                  .overwrite(
                      overwrite
                          ? com.avnology.backup.s3.OverwritePolicy.ALWAYS
                          : com.avnology.backup.s3.OverwritePolicy.NEVER)
                  .build());
        });
    volumes.forEach(
        (name, path) -> plan.target(VolumeTarget.builder(name, path).overwrite(overwrite).build()));
    if (healthcheck != null) {
      plan.healthcheck();
      if (!healthcheck.isEmpty()) {
        healthcheckUrls.add(0, java.net.URI.create(healthcheck));
      }
    }
    if (!migrate.isEmpty()) {
      if (!postgres.present()) {
        throw new ParameterException(
            spec.commandLine(),
            "--migrate migrates the database" + " restored with --postgres JDBC_URL: give it");
      }
      javax.sql.DataSource ds = postgres.dataSource();
      String[] locations = migrate.toArray(String[]::new);
      plan.afterRestore(
          "migrations",
          () -> {
            com.avnology.backup.postgres.Migrations.Builder m =
                com.avnology.backup.postgres.Migrations.builder(ds).locations(locations);
            if (baselineVersion != null) {
              m.baselineVersion(baselineVersion);
            }
            com.avnology.backup.postgres.MigrationResult r = m.build().migrate();
            return r.applied().size()
                + " applied, now at version "
                + java.util.Objects.toString(r.versionAfter(), "(none)");
          });
    } else if (baselineVersion != null) {
      throw new ParameterException(spec.commandLine(), "--baseline-version goes with --migrate");
    }
    healthcheckUrls.forEach(plan::healthcheckUrl);
    if (dryRun) {
      return dryRun(plan.build().describe());
    }
    RestoreResult result;
    try (ProgressPrinter printer = progress.printer(spec.commandLine().getErr())) {
      result = plan.listener(printer).build().execute();
    }
    Relaunch.recordBytes(result.targets().stream().mapToLong(TargetResult::size).sum());
    if (json) {
      ObjectNode node =
          Json.object()
              .put("setId", result.setId())
              .put("verifyMillis", result.verifyDuration().toMillis())
              .put("durationMillis", result.duration().toMillis());
      Json.targets(node.putArray("targets"), result.targets());
      var checks = node.putArray("checks");
      result
          .checks()
          .forEach(
              c ->
                  checks
                      .addObject()
                      .put("name", c.name())
                      .put("ok", c.ok())
                      .put("detail", c.detail()));
      spec.commandLine().getOut().println(Json.write(node));
    } else {
      spec.commandLine()
          .getOut()
          .printf(
              "restored set %s in %d ms (%d ms checking before writing)%n",
              result.setId(), result.duration().toMillis(), result.verifyDuration().toMillis());
      for (TargetResult t : result.targets()) {
        spec.commandLine()
            .getOut()
            .printf("  %s/%s: %d entries%n", t.kind(), t.name(), t.entries());
      }
      result
          .checks()
          .forEach(
              c -> spec.commandLine().getOut().printf("  check %s: %s%n", c.name(), c.detail()));
    }
    return 0;
  }

  private int dryRun(com.avnology.backup.RestoreDescription plan) {
    if (json) {
      ObjectNode node = Json.object().put("setId", plan.setId()).put("dryRun", true);
      var steps = node.putArray("steps");
      plan.steps()
          .forEach(
              s ->
                  steps
                      .addObject()
                      .put("target", s.target())
                      .put("source", s.source())
                      .put("artifacts", s.artifacts())
                      .put("bytes", s.bytes())
                      .put("destination", s.destination()));
      spec.commandLine().getOut().println(Json.write(node));
    } else {
      spec.commandLine().getOut().println(plan);
      spec.commandLine().getOut().println("dry run: nothing was written");
    }
    return ExitCodes.OK;
  }

  private com.avnology.backup.postgres.PostgresTarget.Builder databaseTarget() {
    if (singleTransaction && swap) {
      throw new ParameterException(
          spec.commandLine(),
          "--single-transaction and --swap are two ways of restoring: choose one");
    }
    var target = postgres.builder();
    if (clean) {
      target.clean();
    }
    if (swap) {
      target.restoreMode(com.avnology.backup.postgres.RestoreMode.SWAP);
    } else if (singleTransaction) {
      target.restoreMode(com.avnology.backup.postgres.RestoreMode.SINGLE_TRANSACTION);
    }
    return target;
  }

  private int restoreDump() {
    if (!postgres.present() || !volumes.isEmpty()) {
      throw new ParameterException(
          spec.commandLine(),
          "--from-dump restores into a database: give --postgres JDBC_URL (and no --volume)");
    }
    var target = databaseTarget();
    long start = System.nanoTime();
    int entries = com.avnology.backup.postgres.PgDumpArchive.open(fromDump).restore(target.build());
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (json) {
      spec.commandLine()
          .getOut()
          .println(
              Json.write(
                  Json.object()
                      .put("archive", fromDump.toString())
                      .put("entries", entries)
                      .put("durationMillis", ms)));
    } else {
      spec.commandLine()
          .getOut()
          .printf("restored %s (%d entries) in %d ms%n", fromDump, entries, ms);
    }
    return 0;
  }
}
