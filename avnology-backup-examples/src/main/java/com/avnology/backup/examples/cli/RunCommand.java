package com.avnology.backup.examples.cli;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupSink;
import com.avnology.backup.Encryption;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.SinkStatus;
import com.avnology.backup.VolumeTarget;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.postgres.TestRestore;
import com.avnology.backup.postgres.physical.PhysicalTarget;
import com.avnology.backup.postgres.physical.WalArchive;
import com.avnology.backup.postgres.physical.WalStreamer;
import com.avnology.backup.s3.BucketMirror;
import com.avnology.backup.s3.BucketTarget;
import com.avnology.backup.schedule.JdbcRunCoordinator;
import com.avnology.backup.schedule.Job;
import com.avnology.backup.schedule.RunCoordinator;
import com.avnology.backup.schedule.Scheduler;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code avnology-backup run --config FILE [--check]}: the whole regime as one process. */
@Command(
    addMethodSubcommands = false,
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the backup regime of a YAML file as one long-running process: its jobs"
          + " on their schedules (every: 6h or cron: \"0 3 * * *\"), retention after each"
          + " successful backup, and GET /metrics (Prometheus) and GET /health on http.port."
          + " $${VAR} in the file comes from the environment (secrets only there). SIGTERM stops"
          + " cleanly: running backups finish and publish, then the process exits 0.",
      "With coordination: JDBC_URL, replicas run each due run once between them.",
      "A wal-stream job (no schedule) streams WAL for as long as the process runs,"
          + " restarted after a failure; /health is 503 while it is not streaming."
    })
final class RunCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The regime's YAML file")
  Path config;

  @Option(
      names = "--check",
      description = "Validate the file (keys, schedules, variables) and" + " exit")
  boolean check;

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() throws Exception {
    RegimeConfig regime;
    try {
      regime = RegimeConfig.read(config, System::getenv);
    } catch (RegimeConfig.Invalid e) {
      throw new ParameterException(spec.commandLine(), "config " + config + ": " + e.getMessage());
    }
    PrintWriter out = spec.commandLine().getOut();
    if (check) {
      out.printf(
          "config %s ok: %d jobs %s, sink %s%s%n",
          config,
          regime.jobs.size(),
          regime.jobs.stream().map(j -> j.name() + " (" + j.when() + ")").toList(),
          regime.sink.replaceAll("\\?.*", ""),
          regime.retention.map(r -> ", retention " + r).orElse(""));
      return ExitCodes.OK;
    }
    BackupSink sink = Sinks.open(regime.sink);
    Optional<Encryption> encryption =
        regime.encryption.map(
            e -> {
              EncryptionOptions options = new EncryptionOptions();
              if (e.getKey().equals("key-env")) {
                options.keyEnv = e.getValue();
              } else {
                options.passphraseEnv = e.getValue();
              }
              return options.encryption().orElseThrow();
            });
    Scheduler.Builder builder = Scheduler.builder().coordinator(coordinator(regime)).history(sink);
    List<WalStreamJob> streams = new ArrayList<>();
    int scheduled = 0;
    for (RegimeConfig.JobSpec spec : regime.jobs) {
      if (spec.walStream().isPresent()) {
        streams.add(stream(spec.name(), spec.walStream().get(), sink, encryption));
      } else {
        builder.job(job(spec, sink, regime, encryption));
        scheduled++;
      }
    }
    Scheduler scheduler = scheduled == 0 ? null : builder.build();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.countDown();
                  try {
                    stopped.await(16, TimeUnit.MINUTES);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "avnology-run-shutdown"));
    if (scheduler != null) {
      scheduler.start();
    }
    streams.forEach(WalStreamJob::start);
    RegimeHttp http =
        regime.httpPort.isPresent()
            ? RegimeHttp.start(
                regime.httpPort.getAsInt(),
                scheduler,
                regime.jobs.stream()
                    .filter(j -> j.walStream().isEmpty())
                    .map(j -> j.name())
                    .toList(),
                streams)
            : null;
    out.printf(
        "running %d jobs from %s%s%n",
        regime.jobs.size(),
        config,
        http == null ? "" : "; metrics on http://localhost:" + http.port() + "/metrics");
    out.flush();
    stop.await();
    if (scheduler != null) {
      scheduler.close();
    }
    for (WalStreamJob w : streams) {
      w.stop();
    }
    if (http != null) {
      http.close();
    }
    out.println("stopped: running jobs finished");
    out.flush();
    stopped.countDown();
    return ExitCodes.OK;
  }

  private static RunCoordinator coordinator(RegimeConfig regime) {
    return regime
        .coordination
        .map(
            url -> {
              PostgresOptionsMixin db = new PostgresOptionsMixin();
              db.url = url;
              return (RunCoordinator) JdbcRunCoordinator.of(db.dataSource());
            })
        .orElseGet(RunCoordinator::local);
  }

  private static Job job(
      RegimeConfig.JobSpec spec,
      BackupSink sink,
      RegimeConfig regime,
      Optional<Encryption> encryption) {
    if (spec.testRestore().isPresent()) {
      PostgresOptionsMixin scratch = new PostgresOptionsMixin();
      scratch.url = spec.testRestore().get();
      return Job.check(
          spec.name(), spec.schedule(), () -> testRestore(sink, scratch.dataSource(), encryption));
    }
    if (spec.mirror().isPresent()) {
      RegimeConfig.Mirror m = spec.mirror().get();
      S3Uri from = S3Uri.parse(m.from());
      S3Uri to = S3Uri.parse(m.to());
      BucketMirror mirror =
          BucketMirror.builder(from.async(), from.bucket(), to.async(), to.bucket())
              .sourcePrefix(from.prefix())
              .targetPrefix(to.prefix())
              .overwrite(true)
              .remove(m.remove())
              .build();
      return Job.task(
          spec.name(),
          spec.schedule(),
          () -> {
            var r = mirror.run();
            return r.copied() + " copied, " + r.removed() + " removed";
          });
    }
    Backup.Builder backup = Backup.builder().sink(sink);
    encryption.ifPresent(backup::encryption);
    spec.physical()
        .ifPresent(
            p -> {
              PostgresOptionsMixin db = new PostgresOptionsMixin();
              db.url = p.postgres();
              PhysicalTarget.Builder physical =
                  PhysicalTarget.builder(db.dataSource(), p.dataDir()).delta(p.delta());
              if (p.incremental()) {
                physical.incremental();
              }
              p.jobs().ifPresent(physical::jobs);
              backup.target(physical.build());
            });
    spec.postgres()
        .ifPresent(
            url -> {
              PostgresOptionsMixin db = new PostgresOptionsMixin();
              db.url = url;
              db.jobs = 2;
              backup.target(db.builder().build());
            });
    spec.volumes().forEach((name, path) -> backup.target(VolumeTarget.of(name, path)));
    spec.buckets()
        .forEach(
            (name, uri) -> {
              S3Uri s3 = S3Uri.parse(uri);
              backup.target(
                  BucketTarget.builder(name, s3.async(), s3.bucket()).prefix(s3.prefix()).build());
            });
    Job.Builder job = Job.builder(spec.name(), spec.schedule(), backup.build());
    regime.retention.ifPresent(job::retention);
    return job.build();
  }

  private static WalStreamJob stream(
      String name, RegimeConfig.WalStream w, BackupSink sink, Optional<Encryption> encryption) {
    java.util.Properties properties = new java.util.Properties();
    String password = System.getenv("PGPASSWORD");
    if (password != null
        && !w.postgres().toLowerCase(java.util.Locale.ROOT).contains("password=")) {
      properties.setProperty("password", password);
    }
    WalArchive archive =
        encryption
            .map(e -> WalArchive.builder(sink).encryption(e).build())
            .orElseGet(() -> WalArchive.of(sink));
    return new WalStreamJob(
        name,
        WalStreamer.builder(w.postgres(), archive)
            .slot(w.slot())
            .createSlot(w.createSlot())
            .synchronous(w.synchronous())
            .applicationName(w.applicationName())
            .properties(properties)
            .build());
  }

  /**
   * Restores the newest set of every database and volume of the sink into scratch copies and checks
   * them against what their backups recorded (rows, content digests, files).
   */
  private static String testRestore(
      BackupSink sink, DataSource scratch, Optional<Encryption> encryption) {
    List<String> sets =
        SinkStatus.of(sink).targets().stream()
            .filter(t -> t.kind().equals(PostgresTarget.KIND) || t.kind().equals(VolumeTarget.KIND))
            .map(SinkStatus.Target::newestSetId)
            .distinct()
            .toList();
    if (sets.isEmpty()) {
      throw new IllegalStateException("no database or volume set in " + sink + " to test yet");
    }
    List<String> done = new ArrayList<>();
    for (String id : sets) {
      TestRestore.Builder test = TestRestore.builder(sink).set(id).scratchServer(scratch);
      encryption.ifPresent(test::encryption);
      try {
        RestoreResult r = test.build().run();
        done.add(id + " (" + r.checks().size() + " checks, " + r.duration().toMillis() + " ms)");
      } catch (RuntimeException e) {
        throw new IllegalStateException(
            "test restore of set " + id + " failed: " + e.getMessage(), e);
      }
    }
    return "test restore ok: " + String.join(", ", done);
  }
}
