package com.avnology.backup.examples.cli;

import com.avnology.backup.schedule.JobStatus;
import com.avnology.backup.schedule.Scheduler;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The sidecar's HTTP endpoints: {@code GET /metrics} (Prometheus text, from Micrometer) and {@code
 * GET /health} (200, or 503 naming each job that has not succeeded within twice its period). Values
 * are read from {@link Scheduler#status()} at each scrape.
 */
final class RegimeHttp implements AutoCloseable {
  private final HttpServer server;

  private RegimeHttp(HttpServer server) {
    this.server = server;
  }

  static RegimeHttp start(
      int port, Scheduler scheduler, List<String> jobs, List<WalStreamJob> streams)
      throws IOException {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    for (WalStreamJob w : streams) {
      Gauge.builder("avnology_backup_wal_stream_up", w, s -> s.up() ? 1 : 0)
          .tag("job", w.name())
          .description("1 while the job streams WAL")
          .register(registry);
      FunctionCounter.builder("avnology_backup_wal_stream_segments", w, s -> s.segments())
          .tag("job", w.name())
          .description("Complete WAL segments stored by runs that ended")
          .register(registry);
    }
    for (String job : jobs) {
      gauge(
          registry,
          "avnology_backup_last_success_timestamp_seconds",
          job,
          scheduler,
          s -> s.lastSuccess().map(r -> r.finishedAt().toEpochMilli() / 1000.0).orElse(0.0),
          "When the job last succeeded (0: never since start)");
      gauge(
          registry,
          "avnology_backup_last_run_duration_seconds",
          job,
          scheduler,
          s -> s.lastRun().map(r -> r.duration().toMillis() / 1000.0).orElse(0.0),
          "How long the job's last run took");
      gauge(
          registry,
          "avnology_backup_last_success_bytes",
          job,
          scheduler,
          s -> s.lastSuccess().map(r -> (double) r.bytes()).orElse(0.0),
          "Stored size of the set the job's last success published");
      gauge(
          registry,
          "avnology_backup_consecutive_failures",
          job,
          scheduler,
          s -> s.failures(),
          "Failed runs in a row");
      gauge(
          registry,
          "avnology_backup_healthy",
          job,
          scheduler,
          s -> s.healthy() ? 1 : 0,
          "1 if the job succeeded within twice its period");
      FunctionCounter.builder("avnology_backup_runs", scheduler, sc -> status(sc, job).runs())
          .tag("job", job)
          .description("Runs since the process started")
          .register(registry);
      FunctionCounter.builder(
              "avnology_backup_successes", scheduler, sc -> status(sc, job).successes())
          .tag("job", job)
          .description("Successful runs since the process started")
          .register(registry);
    }
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    server.createContext(
        "/metrics",
        ex -> reply(ex, 200, registry.scrape(), "text/plain; version=0.0.4; charset=utf-8"));
    server.createContext(
        "/health",
        ex -> {
          List<String> late =
              new java.util.ArrayList<>(
                  scheduler == null
                      ? List.of()
                      : scheduler.status().stream()
                          .filter(s -> !s.healthy())
                          .map(
                              s ->
                                  s.job()
                                      + " (last success: "
                                      + s.lastSuccess()
                                          .map(r -> r.finishedAt().toString())
                                          .orElse("none")
                                      + ")")
                          .toList());
          streams.stream()
              .filter(w -> !w.up())
              .forEach(
                  w ->
                      late.add(
                          w.name()
                              + " (not streaming"
                              + (w.lastFailure() == null ? "" : ": " + w.lastFailure())
                              + ")"));
          reply(
              ex,
              late.isEmpty() ? 200 : 503,
              late.isEmpty() ? "ok\n" : "unhealthy: " + String.join(", ", late) + "\n",
              "text/plain; charset=utf-8");
        });
    server.start();
    return new RegimeHttp(server);
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void gauge(
      PrometheusMeterRegistry registry,
      String name,
      String job,
      Scheduler scheduler,
      ToDoubleFunction<JobStatus> value,
      String help) {
    Gauge.builder(name, scheduler, sc -> value.applyAsDouble(status(sc, job)))
        .tag("job", job)
        .description(help)
        .register(registry);
  }

  private static JobStatus status(Scheduler scheduler, String job) {
    return scheduler.status().stream().filter(s -> s.job().equals(job)).findFirst().orElseThrow();
  }

  private static void reply(HttpExchange ex, int code, String body, String type)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(code, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
