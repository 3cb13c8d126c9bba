package com.avnology.backup.examples.cli;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
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

/** {@code avnology-backup backup}. */
@Command(
    addMethodSubcommands = false,
    name = "backup",
    mixinStandardHelpOptions = true,
    description = "Backs up targets into a new backup set.")
final class BackupCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "SINK",
      description =
          "Where the set goes: file:/path or s3://bucket/prefix?endpoint=URL"
              + " (credentials from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY); with --format"
              + " custom, the .dump itself: file:/path/x.dump or s3://bucket/key.dump?endpoint=URL")
  String to;

  @Option(
      names = "--volume",
      paramLabel = "NAME=PATH",
      description = "A directory to back up, under a name (repeatable)")
  Map<String, Path> volumes = new LinkedHashMap<>();

  @picocli.CommandLine.Mixin EncryptionOptions encryption = new EncryptionOptions();

  @picocli.CommandLine.Mixin PostgresOptionsMixin postgres = new PostgresOptionsMixin();

  @Option(
      names = "--data-dir",
      paramLabel = "PGDATA",
      description =
          "Back up --postgres physically: this data directory (readable by this"
              + " process) between pg_backup_start and pg_backup_stop, with the WAL it needs;"
              + " restore it with restore --data-dir and point-in-time targets")
  Path dataDir;

  @Option(
      names = "--incremental",
      description =
          "With --data-dir: copy only files changed since the newest physical backup of"
              + " the same cluster in the sink (its set becomes the parent); a full one if there is"
              + " none")
  boolean incremental;

  @Option(
      names = "--delta",
      description =
          "With --incremental: also read files of unchanged size and time and compare"
              + " their SHA-256 (catches changes that kept both)")
  boolean delta;

  @Option(
      names = "--compression",
      paramLabel = "ALGO[:LEVEL]",
      description =
          "none, gzip[:1-9] or zstd[:1-22] (default: zstd:1 for sets, gzip:6 for"
              + " --format custom)")
  String compression;

  @Option(
      names = "--format",
      defaultValue = "set",
      paramLabel = "set|custom",
      description =
          "set: a backup set (default); custom: one pg_dump custom-format .dump of"
              + " --postgres (what pg_restore reads), written to --to file:/path/x.dump or uploaded"
              + " as one object to --to s3://bucket/key.dump")
  String format;

  @Option(
      names = "--bucket",
      paramLabel = "NAME=S3_URI",
      description =
          "A bucket (or prefix) to back up, under a name (repeatable):"
              + " NAME=s3://bucket/prefix?endpoint=http://host:port")
  Map<String, String> buckets = new LinkedHashMap<>();

  @Option(
      names = "--presign",
      paramLabel = "DURATION",
      description =
          "With an s3:// sink, print presigned GET URLs valid this long (such as 24h,"
              + " 30m, 7d): one per artifact of a set, or one for the .dump of --format custom")
  String presign;

  @picocli.CommandLine.Mixin ProgressOptions progress = new ProgressOptions();

  @Option(
      names = "--force",
      description = "With --format custom, replace the .dump file (or S3 object) if it exists")
  boolean force;

  @Option(
      names = "--no-large-objects",
      description = "Back up --postgres without its large objects")
  boolean noLargeObjects;

  @Option(
      names = "--exclude-table-data",
      paramLabel = "SCHEMA.TABLE",
      description =
          "Back up this table of --postgres without its rows (its definition, indexes and grants"
              + " are kept; a restore creates it empty); repeatable")
  java.util.List<String> excludeTableData = new java.util.ArrayList<>();

  @Option(
      names = "--no-unlogged-table-data",
      description =
          "Back up the unlogged tables of --postgres without their rows (and unlogged"
              + " sequences without their values); needed on a hot standby, which has none of"
              + " them")
  boolean noUnloggedTableData;

  @Option(names = "--json", description = "Print the result as JSON on stdout")
  boolean json;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  private com.avnology.backup.postgres.PostgresTarget postgresTarget() {
    com.avnology.backup.postgres.PostgresTarget.Builder b = postgres.builder();
    if (noLargeObjects) {
      b.noLargeObjects();
    }
    b.excludeTableData(excludeTableData.toArray(String[]::new));
    if (noUnloggedTableData) {
      b.noUnloggedTableData();
    }
    return b.build();
  }

  @Override
  public Integer call() {
    if (format.equals("custom")) {
      return exportDump();
    }
    if (!format.equals("set")) {
      throw new ParameterException(spec.commandLine(), "--format takes set or custom: " + format);
    }
    if (volumes.isEmpty() && buckets.isEmpty() && !postgres.present()) {
      throw new ParameterException(
          spec.commandLine(),
          "nothing to back up: give --postgres JDBC_URL, --volume NAME=PATH or"
              + " --bucket NAME=S3_URI");
    }
    java.time.Duration presignFor = presign == null ? null : Durations.parse(presign);
    com.avnology.backup.BackupSink sink = Sinks.open(to);
    if (presignFor != null && !(sink instanceof com.avnology.backup.s3.S3Sink)) {
      throw new ParameterException(spec.commandLine(), "--presign needs an s3:// sink");
    }
    Backup.Builder builder =
        Backup.builder()
            .sink(sink)
            .compression(Compression.parse(compression == null ? "zstd:1" : compression));
    encryption.encryption().ifPresent(builder::encryption);
    if (dataDir != null && !postgres.present()) {
      throw new ParameterException(
          spec.commandLine(),
          "--data-dir needs --postgres JDBC_URL: the server whose data directory it is");
    }
    if ((incremental || delta) && dataDir == null) {
      throw new ParameterException(
          spec.commandLine(),
          "--incremental and --delta are for physical backups: give --data-dir PGDATA");
    }
    boolean rowsLeftOut = noLargeObjects || noUnloggedTableData || !excludeTableData.isEmpty();
    if (rowsLeftOut && (dataDir != null || !postgres.present())) {
      throw new ParameterException(
          spec.commandLine(),
          "--no-large-objects, --no-unlogged-table-data and --exclude-table-data are for a"
              + " logical backup of --postgres JDBC_URL"
              + (dataDir != null
                  ? "; a physical backup (--data-dir) copies the cluster whole"
                  : ""));
    }
    if (delta && !incremental) {
      throw new ParameterException(
          spec.commandLine(),
          "--delta compares files with the parent backup: give --incremental too");
    }
    if (dataDir != null) {
      var physical =
          com.avnology.backup.postgres.physical.PhysicalTarget.builder(
                  postgres.dataSource(), dataDir)
              .jobs(postgres.jobs)
              .delta(delta);
      if (incremental) {
        physical.incremental();
      }
      builder.target(physical.build());
    } else if (postgres.present()) {
      builder.target(postgresTarget());
    }
    volumes.forEach((name, path) -> builder.target(VolumeTarget.of(name, path)));
    buckets.forEach(
        (name, uri) -> {
          S3Uri s3 = S3Uri.parse(uri);
          builder.target(
              com.avnology.backup.s3.BucketTarget.builder(name, s3.async(), s3.bucket())
                  .prefix(s3.prefix())
                  .build());
        });
    BackupResult result;
    try (ProgressPrinter printer = progress.printer(spec.commandLine().getErr())) {
      result = builder.listener(printer).build().run();
    }
    Relaunch.recordBytes(result.size());
    java.util.Map<String, String> urls = new java.util.LinkedHashMap<>();
    if (presignFor != null) {
      for (TargetResult t : result.targets()) {
        for (com.avnology.backup.Manifest.Artifact a : t.artifacts()) {
          urls.put(
              a.path(),
              ((com.avnology.backup.s3.S3Sink) sink)
                  .presign(result.setId(), a.path(), presignFor)
                  .toString());
        }
      }
    }
    if (json) {
      ObjectNode node =
          Json.object()
              .put("setId", result.setId())
              .put("startedAt", result.startedAt().toString())
              .put("finishedAt", result.finishedAt().toString())
              .put("durationMillis", result.duration().toMillis())
              .put("size", result.size());
      Json.targets(node.putArray("targets"), result.targets());
      urls.forEach(node.putObject("presigned")::put);
      spec.commandLine().getOut().println(Json.write(node));
    } else {
      spec.commandLine()
          .getOut()
          .printf(
              "backup set %s written to %s in %d ms%n",
              result.setId(), to, result.duration().toMillis());
      for (TargetResult t : result.targets()) {
        spec.commandLine()
            .getOut()
            .printf("  %s/%s: %d entries, %d bytes%n", t.kind(), t.name(), t.entries(), t.size());
      }
      urls.forEach((path, url) -> spec.commandLine().getOut().printf("  %s: %s%n", path, url));
    }
    return 0;
  }

  private int exportDump() {
    if (!postgres.present()
        || !volumes.isEmpty()
        || !buckets.isEmpty()
        || !(to.startsWith("file:") || S3Uri.is(to))) {
      throw new ParameterException(
          spec.commandLine(),
          "--format custom writes one database to"
              + " one file: give --postgres JDBC_URL and --to file:/path/name.dump or"
              + " s3://bucket/name.dump?endpoint=URL, no --volume or --bucket");
    }
    if (S3Uri.is(to)) {
      return new DumpExport(spec, postgresTarget(), json, force)
          .toS3(to, Compression.parse(compression == null ? "gzip:6" : compression), presign);
    }
    if (presign != null) {
      throw new ParameterException(spec.commandLine(), "--presign needs an s3:// sink");
    }
    java.nio.file.Path file =
        java.nio.file.Path.of(
            java.net.URI.create(to).getPath() != null
                ? java.net.URI.create(to).getPath()
                : to.substring("file:".length()));
    Compression c = Compression.parse(compression == null ? "gzip:6" : compression);
    if (!force && java.nio.file.Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      throw new ParameterException(
          spec.commandLine(),
          file + " already exists: give another" + " --to file, or add --force to replace it");
    }
    long start = System.nanoTime();
    com.avnology.backup.postgres.PgDumpArchive.export(postgresTarget(), file, c, force);
    long ms = (System.nanoTime() - start) / 1_000_000;
    if (json) {
      spec.commandLine()
          .getOut()
          .println(
              Json.write(
                  Json.object()
                      .put("file", file.toString())
                      .put("size", file.toFile().length())
                      .put("durationMillis", ms)));
    } else {
      spec.commandLine()
          .getOut()
          .printf(
              "wrote %s (%d bytes, pg_dump custom format) in %d ms%n",
              file, file.toFile().length(), ms);
    }
    return 0;
  }
}
