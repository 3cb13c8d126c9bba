package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Progress of backups and restores on stderr (tests run without a terminal). */
final class CliProgressTest {
  @TempDir Path tmp;
  Path files;
  String sink;

  @BeforeEach
  void setUp() throws IOException {
    files = Files.createDirectories(tmp.resolve("files"));
    for (int i = 0; i < 3; i++) {
      Files.writeString(files.resolve("f" + i + ".txt"), "line " + i + "\n".repeat(1000));
    }
    sink = "file:" + tmp.resolve("backups");
  }

  @Test
  void progressJson_printsOneEventALineOnStderr_endingDone() throws IOException {
    CliTest.Run backup =
        CliTest.cli(
            "backup", "--to", sink, "--volume", "files=" + files, "--progress", "json", "--json");

    assertThat(backup.code()).as(backup.err()).isZero();
    List<JsonNode> events = events(backup.err());
    assertThat(events).isNotEmpty();
    assertThat(events.get(0).get("phase").asText()).isEqualTo("backup");
    assertThat(events.get(0).get("target").asText()).isEqualTo("volume/files");
    JsonNode done = events.get(events.size() - 1);
    assertThat(done.get("phase").asText()).isEqualTo("done");
    assertThat(done.get("bytes").asLong()).isPositive();
    assertThat(done.get("setId").asText())
        .isEqualTo(Json.MAPPER.readTree(backup.out()).get("setId").asText());

    CliTest.Run restore =
        CliTest.cli(
            "restore",
            "--from",
            sink,
            "--volume",
            "files=" + tmp.resolve("out"),
            "--progress",
            "json");
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(events(restore.err())).extracting(e -> e.get("phase").asText()).contains("restore");
  }

  @Test
  void notATerminal_printsNothing_unlessAnIntervalIsGiven() {
    CliTest.Run quiet = CliTest.cli("backup", "--to", sink, "--volume", "files=" + files);
    assertThat(quiet.code()).isZero();
    assertThat(quiet.err()).isEmpty();

    CliTest.Run logged =
        CliTest.cli(
            "backup", "--to", sink, "--volume", "files=" + files, "--progress-interval", "0s");
    assertThat(logged.code()).as(logged.err()).isZero();
    assertThat(logged.err().lines())
        .isNotEmpty()
        .allSatisfy(
            line ->
                assertThat(line)
                    .matches(
                        "avnology-backup: progress: \\w+ \\S+: [\\d.]+ (B|KiB|MiB)( of [\\d.]+ \\S+)?,"
                            + " \\d+(/\\d+)? entries, .*/s, \\d+:\\d\\d elapsed(, about \\d+:\\d\\d left)?"));
  }

  static List<JsonNode> events(String err) {
    return err.lines()
        .filter(l -> l.startsWith("{"))
        .map(
            l -> {
              try {
                return Json.MAPPER.readTree(l);
              } catch (IOException e) {
                throw new IllegalStateException(l, e);
              }
            })
        .filter(n -> "progress".equals(n.path("event").asText()))
        .toList();
  }
}
