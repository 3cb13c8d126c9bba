package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.internal.ProgressTracker;
import com.avnology.backup.internal.RestoreRun;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After a restore, the healthcheck compares what was restored with what the set recorded and runs
 * the caller's checks; before it, every destination is asked whether it would refuse, so that a
 * plan of several targets restores none rather than some.
 */
final class RestoreHealthcheckTest {
  @TempDir Path tmp;

  private String backUp(FileSystemSink sink) throws Exception {
    Path certs = Files.createDirectories(tmp.resolve("certs/live"));
    Files.writeString(certs.resolve("a.pem"), "a".repeat(100));
    Files.writeString(certs.resolve("b.pem"), "b".repeat(50));
    Path logos = Files.createDirectories(tmp.resolve("logos"));
    Files.writeString(logos.resolve("logo.svg"), "<svg/>");
    return Backup.builder()
        .target(VolumeTarget.of("certs", tmp.resolve("certs")))
        .target(VolumeTarget.of("logos", logos))
        .sink(sink)
        .build()
        .run()
        .setId();
  }

  @Test
  void healthcheck_builtInAndCallerChecks_reportedInTheResult() throws Exception {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    backUp(sink);
    RestoreResult r =
        RestorePlan.builder(sink)
            .volume("certs", tmp.resolve("out"))
            .healthcheck()
            .healthcheck("config present", () -> Files.exists(tmp.resolve("out/live/a.pem")))
            .build()
            .execute();

    assertThat(r.checks())
        .extracting(HealthCheck::name, HealthCheck::ok, HealthCheck::detail)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "volume/certs files", true, "2 files, 150 bytes as in the set"),
            org.assertj.core.groups.Tuple.tuple("config present", true, "ok"));
  }

  @Test
  void healthcheck_failingCheck_failsTheRestoreNamingIt() throws Exception {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    String id = backUp(sink);
    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .volume("certs", tmp.resolve("out"))
                    .healthcheck(
                        "stack answers",
                        () -> {
                          throw new IllegalStateException("connection refused");
                        })
                    .build()
                    .execute())
        .isInstanceOf(BackupException.class)
        .hasMessage(
            "set "
                + id
                + " was restored, but the healthcheck failed: stack answers:"
                + " connection refused; the restored data stays as it is: look at it before the"
                + " stack uses it");
  }

  @Test
  void checkRestored_missingOrChangedFile_isNamed() throws Exception {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    String id = backUp(sink);
    Path out = tmp.resolve("out");
    RestorePlan.builder(sink).volume("certs", out).build().execute();
    Files.delete(out.resolve("live/a.pem"));
    Files.writeString(out.resolve("live/b.pem"), "short");

    VolumeTarget target = VolumeTarget.of("certs", out);
    Manifest manifest = BackupCatalog.of(sink).manifest(id);
    try (BackupSink.SetReader reader = sink.open(id)) {
      HealthCheck check =
          target
              .checkRestored(
                  new RestoreRun(
                      id,
                      manifest.target("volume", "certs").orElseThrow(),
                      reader,
                      new ProgressTracker(ProgressListener.NONE, id)))
              .get(0);
      assertThat(check.ok()).isFalse();
      assertThat(check.detail())
          .isEqualTo("of 2 files, live/a.pem missing," + " live/b.pem has 5 bytes, not 50");
    }
  }

  @Test
  void healthcheckUrl_2xxPasses_otherwiseFailsWithTheStatus() throws Exception {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/ok",
        x -> {
          x.sendResponseHeaders(204, -1);
          x.close();
        });
    server.createContext(
        "/down",
        x -> {
          x.sendResponseHeaders(503, -1);
          x.close();
        });
    server.start();
    try {
      FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
      backUp(sink);
      String base = "http://127.0.0.1:" + server.getAddress().getPort();
      RestoreResult ok =
          RestorePlan.builder(sink)
              .volume("logos", tmp.resolve("l1"))
              .healthcheckUrl(URI.create(base + "/ok?token=secret"))
              .build()
              .execute();
      assertThat(ok.checks())
          .singleElement()
          .satisfies(
              c -> {
                assertThat(c.name()).isEqualTo("GET " + base + "/ok").doesNotContain("secret");
                assertThat(c.ok()).isTrue();
              });
      assertThatThrownBy(
              () ->
                  RestorePlan.builder(sink)
                      .volume("logos", tmp.resolve("l2"))
                      .healthcheckUrl(URI.create(base + "/down"))
                      .build()
                      .execute())
          .hasMessageContaining("GET " + base + "/down: " + base + "/down answered 503, not 2xx");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void preflight_secondDestinationNotEmpty_nothingIsRestored() throws Exception {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    String id = backUp(sink);
    Path busy = Files.createDirectories(tmp.resolve("busy"));
    Files.writeString(busy.resolve("keep.txt"), "mine");

    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .volume("certs", tmp.resolve("fresh"))
                    .volume("logos", busy)
                    .build()
                    .execute())
        .isInstanceOf(BackupException.class)
        .hasMessage(
            "nothing was restored from set "
                + id
                + ": volume/logos: directory "
                + busy
                + " is not empty (1 entries): restore into an empty directory, or allow overwrite"
                + " (VolumeTarget.Builder.overwrite, CLI --overwrite)");
    assertThat(tmp.resolve("fresh")).doesNotExist();
  }
}
