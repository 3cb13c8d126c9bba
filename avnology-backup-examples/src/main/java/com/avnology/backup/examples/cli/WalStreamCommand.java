package com.avnology.backup.examples.cli;

import com.avnology.backup.postgres.physical.WalStreamer;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code avnology-backup wal-stream}: continuous WAL archiving over the replication protocol. */
@Command(
    addMethodSubcommands = false,
    name = "wal-stream",
    mixinStandardHelpOptions = true,
    description = {
      "Streams WAL over the replication protocol through a physical replication"
          + " slot into the sink's WAL archive (the objects wal-push writes), until SIGTERM: then"
          + " the partial segment is stored and the process exits 0. Restarted, it resumes after"
          + " the newest archived segment; the slot keeps what it missed.",
      "With --synchronous and synchronous_standby_names = 'avnology_wal' (the"
          + " --application-name) on the server, a commit is acknowledged only once the sink"
          + " holds it."
    })
final class WalStreamCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--postgres",
      required = true,
      paramLabel = "JDBC_URL",
      description =
          "The server, such as jdbc:postgresql://db:5432/postgres?user=replicator (a"
              + " role with REPLICATION); the password comes from PGPASSWORD or the URL")
  String url;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "SINK",
      description = "The WAL archive's sink: file:/path or s3://bucket/prefix?endpoint=URL")
  String to;

  @Option(
      names = "--slot",
      defaultValue = "avnology_wal",
      paramLabel = "NAME",
      description = "The physical replication slot (default: ${DEFAULT-VALUE})")
  String slot;

  @Option(
      names = "--create-slot",
      description =
          "Create the slot if it does not exist;" + " without it a missing slot is an error")
  boolean createSlot;

  @Option(
      names = "--synchronous",
      description =
          "Store every batch received before reporting"
              + " it flushed, so that the server can use this streamer as a synchronous standby")
  boolean synchronous;

  @Option(
      names = "--application-name",
      defaultValue = "avnology_wal",
      paramLabel = "NAME",
      description =
          "The application_name synchronous_standby_names names (default:" + " ${DEFAULT-VALUE})")
  String applicationName;

  @Mixin EncryptionOptions encryption = new EncryptionOptions();

  @picocli.CommandLine.Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() throws Exception {
    Properties properties = new Properties();
    String password = System.getenv("PGPASSWORD");
    if (password != null && !url.toLowerCase(Locale.ROOT).contains("password=")) {
      properties.setProperty("password", password);
    }
    WalStreamer streamer =
        WalStreamer.builder(url, encryption.walArchive(Sinks.open(to)))
            .slot(slot)
            .createSlot(createSlot)
            .synchronous(synchronous)
            .applicationName(applicationName)
            .properties(properties)
            .build();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                stopped.await(5, TimeUnit.MINUTES);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "avnology-wal-stream-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    PrintWriter out = spec.commandLine().getOut();
    try {
      out.printf(
          "streaming WAL to %s through slot %s%s; SIGTERM stops%n",
          to.replaceAll("\\?.*", ""), slot, synchronous ? " (synchronous)" : "");
      out.flush();
      WalStreamer.Result r = streamer.run(stop::get);
      out.printf(
          "stopped at %s (timeline %d): %d segments stored%s%n",
          r.flushedLsn(),
          r.timeline(),
          r.segments(),
          r.partial().map(p -> ", partial " + p).orElse(""));
      out.flush();
      return ExitCodes.OK;
    } finally {
      stopped.countDown();
      if (!stop.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
  }
}
