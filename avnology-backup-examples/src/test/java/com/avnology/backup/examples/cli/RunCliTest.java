package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.FileSystemSink;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code run --config}: the sidecar in a process of its own, and {@code --check}. */
final class RunCliTest {
  @TempDir Path tmp;

  private Path config(String yaml) throws IOException {
    Path certs = Files.createDirectories(tmp.resolve("letsencrypt"));
    Files.writeString(certs.resolve("fullchain.pem"), "-----BEGIN CERTIFICATE-----\n");
    return Files.writeString(tmp.resolve("regime.yaml"), yaml.replace("CERTS", certs.toString()));
  }

  @Test
  void check_validFile_summarizesIt() throws IOException {
    Path file =
        config(
            """
        sink: file:/var/backups
        jobs:
          - name: certs
            cron: "0 4 * * 0"
            volumes: { certs: CERTS }
        retention: { keep-days: 30, keep-last: 3 }
        http: { port: 9464 }
        """);

    CliTest.Run run = CliTest.cli("run", "--config", file.toString(), "--check");

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out())
        .isEqualTo(
            "config "
                + file
                + " ok: 1 jobs [certs (cron 0 4 * * 0)],"
                + " sink file:/var/backups, retention keep-days 30, keep-last 3\n");
  }

  @Test
  void check_badKeyOrMissingVariable_namesIt() throws IOException {
    Path typo =
        config(
            """
        sink: file:/var/backups
        jobs:
          - name: db
            evry: 6h
            postgres: jdbc:postgresql://db:5432/app
        """);
    CliTest.Run badKey = CliTest.cli("run", "--config", typo.toString(), "--check");
    Path unset =
        config(
            """
        sink: s3://backups/prod?endpoint=http://minio:9000
        jobs:
          - name: db
            every: 6h
            postgres: jdbc:postgresql://db:5432/app?user=app&password=${AVNOLOGY_TEST_UNSET_7Q}
        """);
    CliTest.Run missing = CliTest.cli("run", "--config", unset.toString(), "--check");

    assertThat(badKey.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(badKey.err())
        .contains(
            "config "
                + typo
                + ": unknown key jobs[0].evry (known:"
                + " buckets, cron, every, mirror, name, physical, postgres, test-restore, volumes,"
                + " wal-stream)");
    assertThat(missing.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(missing.err())
        .contains(
            ": jobs[0].postgres: environment variable"
                + " AVNOLOGY_TEST_UNSET_7Q is not set (the file says ${AVNOLOGY_TEST_UNSET_7Q}); set it,"
                + " secrets come from the environment only");
  }

  @Test
  void run_aJobEverySecond_producesSetsPrunesThemServesMetrics_andStopsCleanlyOnSigterm()
      throws Exception {
    Path sinkDir = tmp.resolve("backups");
    Path file =
        config(
            """
        sink: file:${SINK_DIR}
        jobs:
          - name: certs
            every: 1s
            volumes: { certs: CERTS }
        retention: { keep-last: 2 }
        http: { port: 0 }
        """);
    Process child = sidecar(file, sinkDir);
    @SuppressWarnings("JdkObsolete") // appended by the reader thread, read by the test
    StringBuffer out = new StringBuffer();
    Thread reader = read(child, out);
    try {
      String base = metricsBase(child, out);
      Pattern successes =
          Pattern.compile("avnology_backup_successes_total\\{job=\"certs\"} (\\d+)");
      waitUntil(
          () -> {
            Matcher s = successes.matcher(get(base + "/metrics").body());
            return s.find() && Double.parseDouble(s.group(1)) >= 4;
          },
          child,
          out);

      String metrics = get(base + "/metrics").body();
      assertThat(metrics)
          .contains("avnology_backup_last_success_timestamp_seconds{job=\"certs\"}")
          .contains("avnology_backup_healthy{job=\"certs\"} 1")
          .containsPattern("avnology_backup_last_success_bytes\\{job=\"certs\"} [1-9]");
      HttpResponse<String> health = get(base + "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("ok\n");

      new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor();
      assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
      reader.join(10_000);
      assertThat(child.exitValue()).as(out.toString()).isZero();
      assertThat(out.toString()).contains("stopped: running jobs finished");
      assertThat(FileSystemSink.of(sinkDir).list()).hasSize(2);
      try (Stream<Path> dirs = Files.list(sinkDir.resolve("sets"))) {
        assertThat(dirs)
            .hasSize(2)
            .allSatisfy(d -> assertThat(d.resolve("manifest.json")).isRegularFile());
      }
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void run_testRestoreJob_healthyWhileTheNewestSetRestores_unhealthyOnceItIsDamaged_statusShowsIt()
      throws Exception {
    Path sinkDir = tmp.resolve("backups");
    try (var pg = TestPg.start("run-cli-test")) {
      TestPg.exec(pg, "postgres", "CREATE DATABASE app");
      TestPg.exec(
          pg,
          "app",
          "CREATE TABLE t (id int PRIMARY KEY, note text);"
              + " INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 500) g");
      CliTest.Run backup =
          CliTest.cli(
              "backup",
              "--postgres",
              TestPg.url(pg, "app"),
              "--to",
              "file:" + sinkDir,
              "--key-env",
              "CLI_TEST_KEY_A");
      assertThat(backup.code()).as(backup.err()).isZero();
      Path file =
          config(
              """
          sink: file:${SINK_DIR}
          encryption: { key-env: CLI_TEST_KEY_A }
          jobs:
            - name: restore-check
              every: 1s
              test-restore: { scratch: "SCRATCH" }
          http: { port: 0 }
          """
                  .replace("SCRATCH", TestPg.url(pg, "postgres")));
      Process child = sidecar(file, sinkDir);
      @SuppressWarnings("JdkObsolete") // appended by the reader thread, read by the test
      StringBuffer out = new StringBuffer();
      Thread reader = read(child, out);
      try {
        String base = metricsBase(child, out);
        Pattern successes =
            Pattern.compile("avnology_backup_successes_total\\{job=\"restore-check\"} (\\d+)");
        waitUntil(
            () -> {
              Matcher m = successes.matcher(get(base + "/metrics").body());
              return m.find() && Double.parseDouble(m.group(1)) >= 2;
            },
            child,
            out);
        assertThat(get(base + "/health").statusCode()).isEqualTo(200);

        // the set's dump rewritten behind its manifest: the next test restore fails
        String id = FileSystemSink.of(sinkDir).list().get(0);
        Path dump;
        try (Stream<Path> files = Files.walk(sinkDir.resolve("sets").resolve(id))) {
          dump =
              files
                  .filter(Files::isRegularFile)
                  .filter(f -> !f.getFileName().toString().equals("manifest.json"))
                  .max(java.util.Comparator.comparingLong(f -> f.toFile().length()))
                  .orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(dump);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(dump, bytes);
        waitUntil(() -> get(base + "/health").statusCode() == 503, child, out);
        assertThat(get(base + "/health").body()).startsWith("unhealthy: restore-check");
        assertThat(get(base + "/metrics").body())
            .contains("avnology_backup_healthy{job=\"restore-check\"} 0");

        new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor();
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        reader.join(10_000);
        assertThat(child.exitValue()).as(out.toString()).isZero();
      } finally {
        child.destroyForcibly();
      }
      // the scratch databases are gone
      assertThat(
              TestPg.query(
                  pg,
                  "postgres",
                  "SELECT count(*) FROM pg_database"
                      + " WHERE datname LIKE 'avnology_test_restore%'"))
          .isEqualTo("0");

      CliTest.Run status = CliTest.cli("status", "--from", "file:" + sinkDir);
      assertThat(status.code()).as(status.err()).isZero();
      assertThat(status.out())
          .containsPattern("(?m)^restore-check +FAILED ")
          .contains("restore-check failed: test restore of set ");
      CliTest.Run json = CliTest.cli("status", "--from", "file:" + sinkDir, "--json");
      var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
      var job = node.get("jobs").get(0);
      assertThat(job.get("job").asText()).isEqualTo("restore-check");
      assertThat(job.get("lastRun").get("succeeded").asBoolean()).isFalse();
      assertThat(job.get("lastSuccess").get("succeeded").asBoolean()).isTrue();
      assertThat(job.get("failuresInARow").asInt()).isPositive();
      assertThat(job.get("runs").asInt()).isGreaterThanOrEqualTo(3);
    }
  }

  @Test
  void run_walStreamJob_streamsUntilSigterm_healthFollowsIt() throws Exception {
    Path sinkDir = tmp.resolve("wal-backups");
    try (var pg = TestPg.start("run-cli-wal")) {
      Path file =
          config(
              """
          sink: file:${SINK_DIR}
          jobs:
            - name: wal
              wal-stream: { postgres: "URL", slot: sidecar_slot, create-slot: true }
          http: { port: 0 }
          """
                  .replace("URL", TestPg.url(pg, "postgres")));
      assertThat(RegimeConfig.read(file, java.util.Map.of("SINK_DIR", "/x")::get).jobs)
          .singleElement()
          .satisfies(j -> assertThat(j.when()).isEqualTo("continuous"));
      Process child = sidecar(file, sinkDir);
      @SuppressWarnings("JdkObsolete") // appended by the reader thread, read by the test
      StringBuffer out = new StringBuffer();
      Thread reader = read(child, out);
      try {
        String base = metricsBase(child, out);
        waitUntil(
            () ->
                get(base + "/metrics")
                    .body()
                    .contains("avnology_backup_wal_stream_up{job=\"wal\"} 1"),
            child,
            out);
        waitUntil(streaming(pg, "true"), child, out);
        assertThat(get(base + "/health").statusCode()).isEqualTo(200);
        TestPg.exec(
            pg,
            "postgres",
            "CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g;"
                + " SELECT pg_switch_wal()");
        Path wal = sinkDir.resolve("wal/00000001");
        waitUntil(
            () -> {
              try (Stream<Path> files = Files.exists(wal) ? Files.list(wal) : Stream.empty()) {
                return files.anyMatch(
                    f -> f.getFileName().toString().matches("[0-9A-F]{24}\\.zst"));
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            },
            child,
            out);
        // some WAL of the next segment, sent before the SIGTERM, so that there is a partial
        // segment to keep (right after the switch the server may not have sent any yet)
        TestPg.exec(pg, "postgres", "CREATE TABLE t2 AS SELECT g FROM generate_series(1, 1000) g");
        // the insert position: the asynchronous commit may still be in the WAL buffers
        String lsn = TestPg.query(pg, "postgres", "SELECT pg_current_wal_insert_lsn()::text");
        waitUntil(streaming(pg, "sent_lsn >= '" + lsn + "'::pg_lsn"), child, out);
        Thread.sleep(500); // sent is not yet received: let the stream read it

        new ProcessBuilder("kill", "-TERM", Long.toString(child.pid())).start().waitFor();
        assertThat(child.waitFor(2, TimeUnit.MINUTES)).isTrue();
        reader.join(10_000);
        assertThat(child.exitValue()).as(out.toString()).isZero();
      } finally {
        child.destroyForcibly();
      }
      try (Stream<Path> files = Files.list(sinkDir.resolve("wal/00000001"))) {
        assertThat(files.map(f -> f.getFileName().toString()))
            .anyMatch(n -> n.contains(".partial."));
      }
      assertThat(
              TestPg.query(
                  pg,
                  "postgres",
                  "SELECT count(*) FROM pg_replication_slots"
                      + " WHERE slot_name = 'sidecar_slot'"))
          .isEqualTo("1");
    }
  }

  /** {@code run --config file} in a JVM of its own, with SINK_DIR set to {@code sinkDir}. */
  /** {@return whether the sidecar's WAL stream is connected and {@code condition} holds for it} */
  private static BooleanSupplier streaming(
      io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg, String condition) {
    return () -> {
      try {
        return TestPg.query(
                pg,
                "postgres",
                "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'avnology_wal'"
                    + " AND "
                    + condition)
            .equals("1");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  private static Process sidecar(Path file, Path sinkDir) throws IOException {
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Djava.io.tmpdir=" + System.getProperty("java.io.tmpdir"),
                Main.class.getName(),
                "run",
                "--config",
                file.toString())
            .redirectErrorStream(true);
    pb.environment().put("SINK_DIR", sinkDir.toString());
    return pb.start();
  }

  private static Thread read(Process child, StringBuffer out) {
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  out.append(line).append('\n');
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            });
    reader.start();
    return reader;
  }

  private static String metricsBase(Process child, StringBuffer out) throws Exception {
    Pattern metricsAt = Pattern.compile("metrics on (http://localhost:\\d+)/metrics");
    waitUntil(() -> metricsAt.matcher(out).find(), child, out);
    Matcher m = metricsAt.matcher(out);
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static HttpResponse<String> get(String url) {
    try {
      return HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void waitUntil(BooleanSupplier condition, Process child, StringBuffer out)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (!condition.getAsBoolean()) {
      if (!child.isAlive()) {
        throw new AssertionError("the sidecar exited: " + out);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 2 minutes; the sidecar said: " + out);
      }
      Thread.sleep(50);
    }
  }
}
