package com.avnology.backup.examples.cli;

import com.avnology.backup.RestoreDescription;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.postgres.ImportPlan;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.http.Method;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code avnology-backup import}: a managed service's export (or any pg_dump archive or script)
 * into a database, then migrations, then the healthcheck.
 */
@Command(
    addMethodSubcommands = false,
    name = "import",
    mixinStandardHelpOptions = true,
    description =
        "Imports a pg_dump archive (custom, directory, tar; also .gz/.zst compressed"
            + " as a whole) or a plain pg_dump SQL script (.sql, .sql.gz) from a file, an http(s)"
            + " URL such as a presigned export link, or an s3:// object; checks it whole before"
            + " writing anything; then runs migrations and the healthcheck (every table holds the"
            + " source's rows).")
final class ImportCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      required = true,
      paramLabel = "URL_OR_FILE",
      description =
          "https://… (a presigned URL; its query is never printed), a file or"
              + " directory, or s3://bucket/key?endpoint=… (credentials from AWS_ACCESS_KEY_ID and"
              + " AWS_SECRET_ACCESS_KEY)")
  String from;

  @Mixin PostgresOptionsMixin postgres;

  @Option(
      names = "--clean",
      description =
          "Replace what the database holds: an archive's"
              + " objects are dropped if they exist and recreated (pg_restore --clean --if-exists), a"
              + " plain script replaces every user schema; in one transaction either way")
  boolean clean;

  @Option(
      names = "--if-exists",
      description = "Accepted as pg_restore writes it: --clean always" + " drops only what exists")
  boolean ifExists;

  @Option(
      names = "--no-owner",
      description =
          "Do not restore object owners (the importing"
              + " user owns everything), for exports whose roles do not exist here")
  boolean noOwner;

  @Option(names = "--no-privileges", description = "Do not restore GRANT/REVOKE")
  boolean noPrivileges;

  @Option(
      names = "--migrate",
      split = ",",
      paramLabel = "LOCATION",
      description =
          "Flyway locations (filesystem:DIR, classpath:PATH) to migrate to the latest"
              + " version after the import")
  List<String> migrate = new ArrayList<>();

  @Option(
      names = "--baseline-version",
      paramLabel = "VERSION",
      description =
          "With --migrate, for a source without Flyway's history table: record VERSION"
              + " as applied, then apply only later migrations")
  String baselineVersion;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Where the download and its decompressed copy are kept while the import"
              + " runs (default: the system's temporary directory); deleted at the end")
  Path workDir;

  @Option(
      names = "--dry-run",
      description =
          "Download and read the whole source, say what the"
              + " import would do, write nothing to the database")
  boolean dryRun;

  @Option(names = "--json", description = "Print the result as JSON on stdout")
  boolean json;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() {
    if (!postgres.present()) {
      throw new ParameterException(spec.commandLine(), "--postgres JDBC_URL is required");
    }
    if (ifExists && !clean) {
      throw new ParameterException(spec.commandLine(), "--if-exists goes with --clean");
    }
    var target = postgres.builder();
    if (clean) {
      target.clean();
    }
    if (noOwner) {
      target.noOwner();
    }
    if (noPrivileges) {
      target.noPrivileges();
    }
    ImportPlan.Builder plan = ImportPlan.builder(source()).into(target.build());
    plan.migrate(migrate.toArray(String[]::new));
    if (baselineVersion != null) {
      plan.baselineVersion(baselineVersion);
    }
    if (workDir != null) {
      plan.workDirectory(workDir);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      RestoreDescription d = plan.build().describe();
      if (json) {
        ObjectNode node = Json.object().put("source", d.setId()).put("dryRun", true);
        var steps = node.putArray("steps");
        d.steps()
            .forEach(
                s ->
                    steps
                        .addObject()
                        .put("step", s.target())
                        .put("source", s.source())
                        .put("bytes", s.bytes())
                        .put("destination", s.destination()));
        out.println(Json.write(node));
      } else {
        out.println(d.toString().replaceFirst("^restore set ", "import "));
        out.println("dry run: nothing was written to the database");
      }
      return ExitCodes.OK;
    }
    RestoreResult r = plan.build().execute();
    if (json) {
      ObjectNode node =
          Json.object()
              .put("source", r.setId())
              .put("checkMillis", r.verifyDuration().toMillis())
              .put("durationMillis", r.duration().toMillis());
      var checks = node.putArray("checks");
      r.checks()
          .forEach(
              c ->
                  checks
                      .addObject()
                      .put("name", c.name())
                      .put("ok", c.ok())
                      .put("detail", c.detail()));
      out.println(Json.write(node));
    } else {
      out.printf(
          "imported %s in %d ms (%d ms fetching and checking before writing)%n",
          r.setId(), r.duration().toMillis(), r.verifyDuration().toMillis());
      r.checks().forEach(c -> out.printf("  check %s: %s%n", c.name(), c.detail()));
    }
    return ExitCodes.OK;
  }

  private URI source() {
    if (S3Uri.is(from)) {
      S3Uri s3 = S3Uri.parse(from);
      if (s3.prefix().isEmpty() || s3.prefix().endsWith("/")) {
        throw new ParameterException(
            spec.commandLine(),
            "--from " + s3 + " names no object:" + " give s3://bucket/path/to/app.dump?endpoint=…");
      }
      try {
        return URI.create(
            s3.client()
                .getPresignedObjectUrl(
                    GetPresignedObjectUrlArgs.builder()
                        .method(Method.GET)
                        .bucket(s3.bucket())
                        .object(s3.prefix())
                        .expiry(6 * 3600)
                        .build()));
      } catch (Exception e) {
        throw new com.avnology.backup.StorageException(
            "cannot presign " + s3 + ": " + e.getMessage(), e);
      }
    }
    if (from.startsWith("http://") || from.startsWith("https://") || from.startsWith("file:")) {
      return URI.create(from);
    }
    return Path.of(from).toAbsolutePath().toUri();
  }
}
