package com.avnology.backup.examples.cli;

import com.avnology.backup.postgres.AppliedMigration;
import com.avnology.backup.postgres.MigrationResult;
import com.avnology.backup.postgres.Migrations;
import com.avnology.backup.postgres.RollbackResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.postgresql.ds.PGSimpleDataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avnology-backup migrate}: Flyway migrations with an append-only guard and rollback. */
@Command(
    addMethodSubcommands = false,
    name = "migrate",
    mixinStandardHelpOptions = true,
    description =
        "Applies pending SQL migrations (idempotent, safe when several run at once),"
            + " validates that shipped ones are unchanged, or rolls back the last one.")
final class MigrateCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--postgres",
      required = true,
      paramLabel = "JDBC_URL",
      description = "The database; the password comes from PGPASSWORD or the URL")
  String url;

  @Option(
      names = "--locations",
      required = true,
      split = ",",
      paramLabel = "LOCATION",
      description = "filesystem:DIR or classpath:PATH (comma-separated or repeated)")
  String[] locations;

  @Option(
      names = "--down",
      description =
          "Roll back the last applied migration with its" + " U<version>__*.sql undo script")
  boolean down;

  @Option(names = "--validate", description = "Only check that applied migrations are unchanged")
  boolean validate;

  @Option(
      names = "--snapshot",
      paramLabel = "DIR",
      description = "Back the database up into DIR first; restore it if a migration fails")
  Path snapshot;

  @Option(
      names = "--baseline-version",
      paramLabel = "VERSION",
      description =
          "For a database that has the schema but no history table (one restored from"
              + " a dump): record VERSION as applied, then apply only later migrations")
  String baselineVersion;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() {
    if (down && validate) {
      throw new ParameterException(spec.commandLine(), "--down and --validate exclude each other");
    }
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    String password = System.getenv("PGPASSWORD");
    if (password != null && !url.toLowerCase(Locale.ROOT).contains("password=")) {
      ds.setPassword(password);
    }
    Migrations.Builder builder = Migrations.builder(ds).locations(locations);
    if (snapshot != null) {
      builder.safetySnapshot(snapshot);
    }
    if (baselineVersion != null) {
      builder.baselineVersion(baselineVersion);
    }
    Migrations m = builder.build();
    PrintWriter out = spec.commandLine().getOut();
    if (validate) {
      m.validate();
      out.printf(
          "all applied migrations are unchanged; current version %s%n",
          m.currentVersion().orElse("(none)"));
    } else if (down) {
      RollbackResult r = m.rollback();
      out.printf(
          "rolled back %s (%s) with %s; current version %s%n",
          r.migration().version(),
          r.migration().description(),
          r.undoScript(),
          java.util.Objects.toString(r.versionAfter(), "(none)"));
    } else {
      MigrationResult r = m.migrate();
      for (AppliedMigration a : r.applied()) {
        out.printf(
            "applied %s %s in %d ms%n", a.version(), a.description(), a.duration().toMillis());
      }
      out.printf(
          "%d migrations applied; current version %s%n",
          r.applied().size(), java.util.Objects.toString(r.versionAfter(), "(none)"));
    }
    return 0;
  }
}
