package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CliTest {
  @TempDir Path tmp;
  Path certs;
  Path logos;
  String sink;

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Run(code, out.toString(), err.toString());
  }

  @BeforeEach
  void setUp() throws IOException {
    certs = Files.createDirectories(tmp.resolve("certs/live/example.com"));
    Files.writeString(certs.resolve("fullchain.pem"), "-----BEGIN CERTIFICATE-----\n".repeat(200));
    logos = Files.createDirectories(tmp.resolve("logos"));
    Files.write(logos.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
    sink = "file:" + tmp.resolve("backups");
  }

  @Test
  void helpOfEveryCommand_rendersWithoutPicocliWarnings() throws Exception {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
    java.util.List<String> commands;
    try {
      Run help = cli("--help");
      assertThat(help.code()).isZero();
      commands = Main.commandLine().getSubcommands().keySet().stream().toList();
      for (String command : commands) {
        Run sub = cli(command, "--help");
        assertThat(sub.code()).as(command).isZero();
        assertThat(sub.out()).as(command).contains("Usage: avnology-backup " + command);
      }
    } finally {
      System.setErr(original);
    }
    assertThat(commands).contains("wal-push", "wal-get", "wal-stream", "run", "status");
    assertThat(captured.toString(java.nio.charset.StandardCharsets.UTF_8))
        .doesNotContain("picocli WARN");
    assertThat(cli("wal-get", "--help").out()).contains("%f %p");
    assertThat(cli("run", "--help").out()).contains("${VAR} in the file");
  }

  @Test
  void backupListVerifyRestore_roundTrip_exitsZeroAndPrintsJson() throws IOException {
    Run backup =
        cli(
            "backup",
            "--to",
            sink,
            "--volume",
            "certs=" + tmp.resolve("certs"),
            "--volume",
            "logos=" + logos,
            "--compression",
            "gzip:6",
            "--json");
    assertThat(backup.code()).as(backup.err()).isZero();
    JsonNode json = Json.MAPPER.readTree(backup.out());
    String id = json.get("setId").asText();
    assertThat(json.get("targets")).hasSize(2);
    assertThat(json.at("/targets/0/artifacts/0/path").asText()).isEqualTo("volume/certs.tar.gz");
    assertThat(json.at("/targets/0/artifacts/0/sha256").asText()).hasSize(64);
    assertThat(json.get("durationMillis").asLong()).isNotNegative();

    Run list = cli("list", "--from", sink);
    assertThat(list.out()).contains(id).contains("[volume/certs, volume/logos]");

    Run verify = cli("verify", "--from", sink, "--set", id);
    assertThat(verify.code()).isZero();
    assertThat(verify.out())
        .contains("ok     volume/certs.tar.gz")
        .contains("ok     volume/logos.tar.gz");

    Path restored = tmp.resolve("restored");
    Run restore = cli("restore", "--from", sink, "--volume", "logos=" + restored);
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(Files.readAllBytes(restored.resolve("logo.png")))
        .isEqualTo(Files.readAllBytes(logos.resolve("logo.png")));
  }

  @Test
  void verify_flippedByteAndTruncation_failWithOneLineNamingTheArtifact() throws IOException {
    cli(
        "backup",
        "--to",
        sink,
        "--volume",
        "certs=" + tmp.resolve("certs"),
        "--volume",
        "logos=" + logos);
    Path logosArtifact = find("logos.tar.zst");
    try (RandomAccessFile f = new RandomAccessFile(logosArtifact.toFile(), "rw")) {
      f.seek(f.length() / 2);
      int b = f.read();
      f.seek(f.length() / 2);
      f.write(b ^ 0x40);
    }

    Run flipped = cli("verify", "--from", sink);
    assertThat(flipped.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(flipped.out())
        .contains("FAILED volume/logos.tar.zst")
        .contains("ok     volume/certs");
    assertThat(flipped.err().strip().lines())
        .singleElement()
        .asString()
        .startsWith("avnology-backup: error: set ")
        .contains("volume/logos.tar.zst has SHA-256");

    try (RandomAccessFile f = new RandomAccessFile(find("certs.tar.zst").toFile(), "rw")) {
      f.setLength(f.length() - 1);
    }
    Run truncated = cli("restore", "--from", sink, "--volume", "certs=" + tmp.resolve("r"));
    assertThat(truncated.code()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(truncated.err())
        .contains("volume/certs.tar.zst is ")
        .contains("(truncated)")
        .contains("nothing was restored");
    assertThat(tmp.resolve("r")).doesNotExist();
  }

  @Test
  void badUsage_givesOneLineErrorsAndNonZeroCodes() {
    Run noTarget = cli("backup", "--to", sink);
    assertThat(noTarget.code()).isEqualTo(2);
    assertThat(noTarget.err())
        .contains(
            "nothing to back up: give --postgres JDBC_URL,"
                + " --volume NAME=PATH or --bucket NAME=S3_URI");

    Run badSink = cli("list", "--from", "ftp://host/x");
    assertThat(badSink.code()).isEqualTo(1);
    assertThat(badSink.err().strip())
        .isEqualTo(
            "avnology-backup: error: unsupported sink 'ftp://host/x': use file:/path,"
                + " such as file:/var/backups, or s3://bucket/prefix?endpoint=http://host:port");

    Run badSet = cli("verify", "--from", sink, "--set", "nope");
    assertThat(badSet.code()).isEqualTo(1);
    assertThat(badSet.err()).contains("not a backup set id: 'nope'");

    Run help = cli("--help");
    assertThat(help.code()).isZero();
    assertThat(help.out())
        .contains("backup")
        .contains("restore")
        .contains("list")
        .contains("verify");
  }

  private Path find(String name) throws IOException {
    try (Stream<Path> s = Files.walk(tmp.resolve("backups"))) {
      return s.filter(p -> p.getFileName().toString().equals(name)).findFirst().orElseThrow();
    }
  }
}
