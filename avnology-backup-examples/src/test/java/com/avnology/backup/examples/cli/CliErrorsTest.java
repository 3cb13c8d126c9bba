package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures as the operator sees them: one line in the CLI's words, exit codes, --json. */
final class CliErrorsTest {
  @TempDir Path tmp;
  Path logos;
  String sink;

  @BeforeEach
  void setUp() throws IOException {
    logos = Files.createDirectories(tmp.resolve("logos"));
    Files.write(logos.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
    sink = "file:" + tmp.resolve("backups");
  }

  @Test
  void restore_intoNonEmptyDirectory_namesTheFlagNotTheBuilder() throws IOException {
    assertThat(CliTest.cli("backup", "--to", sink, "--volume", "logos=" + logos).code()).isZero();

    CliTest.Run run = CliTest.cli("restore", "--from", sink, "--volume", "logos=" + logos);

    assertThat(run.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err().strip().lines())
        .singleElement()
        .asString()
        .startsWith("avnology-backup: error: ")
        .contains("is not empty")
        .contains("give --overwrite")
        .doesNotContain("VolumeTarget")
        .doesNotContain("Builder");
  }

  @Test
  void restore_wrongKey_namesTheKeyEnvFlagNotKeySource() {
    assertThat(
            CliTest.cli(
                    "backup",
                    "--to",
                    sink,
                    "--volume",
                    "logos=" + logos,
                    "--key-env",
                    "CLI_TEST_KEY_A")
                .code())
        .isZero();

    CliTest.Run run =
        CliTest.cli(
            "restore",
            "--from",
            sink,
            "--volume",
            "logos=" + tmp.resolve("out"),
            "--key-env",
            "CLI_TEST_KEY_B");

    assertThat(run.code()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err().strip().lines())
        .singleElement()
        .asString()
        .contains("(--key-env CLI_TEST_KEY_B) does not open set")
        .doesNotContain("KeySource")
        .doesNotContain(System.getenv("CLI_TEST_KEY_B"));
  }

  @Test
  void verify_damagedSet_exitsWithTheIntegrityCode_andJsonSaysSo() throws IOException {
    assertThat(CliTest.cli("backup", "--to", sink, "--volume", "logos=" + logos).code()).isZero();
    try (Stream<Path> s = Files.walk(tmp.resolve("backups"));
        RandomAccessFile f =
            new RandomAccessFile(
                s.filter(p -> p.toString().endsWith("logos.tar.zst"))
                    .findFirst()
                    .orElseThrow()
                    .toFile(),
                "rw")) {
      f.setLength(f.length() - 1);
    }

    CliTest.Run run = CliTest.cli("verify", "--from", sink, "--json");

    assertThat(run.code()).isEqualTo(ExitCodes.INTEGRITY).isEqualTo(3);
    JsonNode json = Json.MAPPER.readTree(run.out());
    assertThat(json.get("checks")).hasSize(1);
    JsonNode error = json.get("error");
    assertThat(error.get("code").asInt()).isEqualTo(3);
    assertThat(error.get("kind").asText()).isEqualTo("integrity");
    assertThat(error.get("message").asText()).contains("volume/logos.tar.zst");

    CliTest.Run restore =
        CliTest.cli("restore", "--from", sink, "--volume", "logos=" + tmp.resolve("r"), "--json");
    assertThat(restore.code()).isEqualTo(ExitCodes.INTEGRITY);
    JsonNode restoreError = Json.MAPPER.readTree(restore.out()).get("error");
    assertThat(restoreError.get("left").asText()).contains("nothing was restored");
  }

  @Test
  void json_onFailureAndOnBadUsage_printsAnErrorObject() throws IOException {
    CliTest.Run failed = CliTest.cli("list", "--from", "ftp://host/x", "--json");
    assertThat(failed.code()).isEqualTo(ExitCodes.FAILED);
    JsonNode error = Json.MAPPER.readTree(failed.out()).get("error");
    assertThat(error.get("code").asInt()).isEqualTo(1);
    assertThat(error.get("message").asText()).startsWith("unsupported sink 'ftp://host/x'");
    assertThat(error.get("left").isNull()).isTrue();

    CliTest.Run usage = CliTest.cli("backup", "--to", sink, "--json");
    assertThat(usage.code()).isEqualTo(ExitCodes.USAGE);
    JsonNode usageError = Json.MAPPER.readTree(usage.out()).get("error");
    assertThat(usageError.get("code").asInt()).isEqualTo(2);
    assertThat(usageError.get("kind").asText()).isEqualTo("usage");
    assertThat(usageError.get("message").asText()).startsWith("nothing to back up");
  }

  @Test
  void help_listsTheExitCodes() {
    for (String command : new String[] {"backup", "restore", "verify", "list", "migrate"}) {
      CliTest.Run help = CliTest.cli(command, "--help");
      assertThat(help.out())
          .as(command)
          .contains("Exit codes:")
          .containsPattern("0\\s+ok")
          .containsPattern("2\\s+bad usage")
          .containsPattern("3\\s+integrity failure")
          .containsPattern("4\\s+interrupted, destination unchanged");
    }
    assertThat(CliTest.cli("--help").out()).contains("Exit codes:");
  }
}
