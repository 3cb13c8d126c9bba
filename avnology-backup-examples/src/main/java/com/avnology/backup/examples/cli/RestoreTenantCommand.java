package com.avnology.backup.examples.cli;

import com.avnology.backup.postgres.ConflictPolicy;
import com.avnology.backup.postgres.PgDumpArchive;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.postgres.TenantRestorePlan;
import com.avnology.backup.postgres.TenantRestoreReport;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avnology-backup restore-tenant}. */
@Command(
    addMethodSubcommands = false,
    name = "restore-tenant",
    mixinStandardHelpOptions = true,
    description =
        "Restores one tenant (an organization, an Ory network) into the live database:"
            + " the root row, every row that references it through foreign keys (transitively) and"
            + " the rows those reference that the database lacks, copied in one transaction in"
            + " foreign-key order; other tenants' rows are never touched.")
final class RestoreTenantCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--from",
      paramLabel = "SINK",
      description = "Where the set lives: file:/path or s3://bucket/prefix?endpoint=URL")
  String from;

  @Option(
      names = "--from-dump",
      paramLabel = "FILE_OR_DIR",
      description = "Read the rows from a pg_dump archive instead: custom .dump, directory or tar")
  Path fromDump;

  @Option(
      names = "--set",
      defaultValue = "latest",
      paramLabel = "ID|latest",
      description = "The set to read (default: ${DEFAULT-VALUE})")
  String set;

  @Option(
      names = "--postgres",
      required = true,
      paramLabel = "JDBC_URL",
      description =
          "The live database, such as jdbc:postgresql://localhost:5432/app?user=app;"
              + " the password comes from PGPASSWORD or the URL and is never printed")
  String url;

  @Option(
      names = "--root",
      required = true,
      paramLabel = "TABLE",
      description = "The tenants' table, TABLE or SCHEMA.TABLE (organizations; Ory: networks)")
  String root;

  @Option(
      names = "--key",
      required = true,
      paramLabel = "COLUMN=VALUE",
      description = "The tenant's row in the root table, such as id=42 (compared as text)")
  String key;

  @Option(
      names = "--on-conflict",
      defaultValue = "skip",
      paramLabel = "skip|overwrite|fail",
      description =
          "Rows in both the backup and the database (same primary key): keep the live"
              + " row, replace it with the backup's, or refuse the restore (default: ${DEFAULT-VALUE})")
  String onConflict;

  @Option(
      names = "--filter",
      paramLabel = "TABLE:COLUMN=VALUE",
      description =
          "Also restore the rows of a table with no foreign-key path to the root where"
              + " COLUMN = VALUE, and the rows that reference them (repeatable)")
  List<String> filters = new ArrayList<>();

  @picocli.CommandLine.Mixin EncryptionOptions encryption = new EncryptionOptions();

  @Option(
      names = "--dry-run",
      description =
          "Say per table how many rows would be inserted, updated and skipped, and"
              + " write nothing")
  boolean dryRun;

  @Option(names = "--json", description = "Print the result as JSON on stdout")
  boolean json;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() {
    if ((from == null) == (fromDump == null)) {
      throw usage("give exactly one of --from SINK and --from-dump FILE_OR_DIR");
    }
    if (fromDump != null && !set.equals("latest")) {
      throw usage(
          "--set chooses a set of --from SINK; --from-dump reads one archive: leave"
              + " --set out");
    }
    String[] k = split(key, '=', "--key", "COLUMN=VALUE");
    PostgresTarget live = live();
    TenantRestorePlan.Builder plan;
    if (from != null) {
      plan = TenantRestorePlan.builder(Sinks.open(from), live);
      if (!set.equals("latest")) {
        plan.set(set);
      }
      encryption.encryption().ifPresent(plan::encryption);
    } else {
      plan = TenantRestorePlan.builder(PgDumpArchive.open(fromDump), live);
    }
    plan.root(root, k[0], k[1]).onConflict(policy());
    for (String f : filters) {
      String[] tc = split(f, ':', "--filter", "TABLE:COLUMN=VALUE");
      String[] cv = split(tc[1], '=', "--filter", "TABLE:COLUMN=VALUE");
      plan.filter(tc[0], cv[0], cv[1]);
    }
    TenantRestorePlan built = plan.build();
    TenantRestoreReport report = dryRun ? built.preview() : built.restore();
    print(report);
    return ExitCodes.OK;
  }

  private void print(TenantRestoreReport report) {
    if (json) {
      ObjectNode node =
          Json.object()
              .put("source", report.source())
              .put("dryRun", dryRun)
              .put("onConflict", report.policy().name().toLowerCase(Locale.ROOT))
              .put("inserted", report.inserted())
              .put("updated", report.updated())
              .put("skipped", report.skipped())
              .put("durationMillis", report.duration().toMillis());
      var tables = node.putArray("tables");
      report
          .tables()
          .forEach(
              t ->
                  tables
                      .addObject()
                      .put("table", t.table())
                      .put("insert", t.insert())
                      .put("update", t.update())
                      .put("skip", t.skip())
                      .put("conflicts", t.conflicts()));
      spec.commandLine().getOut().println(Json.write(node));
      return;
    }
    spec.commandLine()
        .getOut()
        .println(
            (dryRun ? "would restore " : "restored ")
                + "tenant "
                + root
                + "."
                + key
                + ": "
                + report);
    if (dryRun) {
      spec.commandLine().getOut().println("dry run: nothing was written");
    }
  }

  private ConflictPolicy policy() {
    try {
      return ConflictPolicy.valueOf(onConflict.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw usage("--on-conflict must be skip, overwrite or fail: '" + onConflict + "'");
    }
  }

  private PostgresTarget live() {
    PostgresTarget.Builder b = PostgresTarget.builder(url);
    String password = System.getenv("PGPASSWORD");
    if (password != null && !url.toLowerCase(Locale.ROOT).contains("password=")) {
      b.password(password);
    }
    return b.build();
  }

  private String[] split(String value, char at, String option, String shape) {
    int i = value.indexOf(at);
    if (i <= 0 || i == value.length() - 1) {
      throw usage(option + " must be " + shape + ": '" + value + "'");
    }
    return new String[] {value.substring(0, i), value.substring(i + 1)};
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
