package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** wal-push and wal-get with {@code --key-env}; the keys come from surefire's environment. */
final class WalCliTest {
  private static final String NAME = "000000010000000000000007";
  @TempDir Path tmp;

  @Test
  void walPushGet_encrypted_roundTripsAndRefusesWithoutTheKey() throws Exception {
    byte[] data = new byte[1 << 20];
    new Random(3).nextBytes(data);
    System.arraycopy("marker-cli-wal".getBytes(StandardCharsets.US_ASCII), 0, data, 100, 14);
    Path segment = Files.write(Files.createDirectories(tmp.resolve("pg_wal")).resolve(NAME), data);
    String sink = "file:" + tmp.resolve("sink");

    CliTest.Run push =
        CliTest.cli("wal-push", "--to", sink, "--key-env", "CLI_TEST_KEY_A", segment.toString());
    assertThat(push.code()).as(push.err()).isZero();
    byte[] stored = Files.readAllBytes(tmp.resolve("sink/wal/00000001/" + NAME + ".zst"));
    assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("marker-cli-wal");

    Path dest = tmp.resolve("RECOVERYXLOG");
    CliTest.Run noKey = CliTest.cli("wal-get", "--from", sink, NAME, dest.toString());
    assertThat(noKey.code()).isEqualTo(WalGetCommand.RECOVERY_MUST_STOP);
    assertThat(noKey.err())
        .contains(
            "is encrypted and no key was given: give the archive's key"
                + " (--key-env VAR or --passphrase-env VAR)");
    CliTest.Run wrongKey =
        CliTest.cli(
            "wal-get", "--from", sink, "--key-env", "CLI_TEST_KEY_B", NAME, dest.toString());
    assertThat(wrongKey.code()).isEqualTo(255);
    assertThat(wrongKey.err()).contains("does not open wal/00000001/" + NAME + ".zst");
    assertThat(dest).doesNotExist();

    CliTest.Run get =
        CliTest.cli(
            "wal-get", "--from", sink, "--key-env", "CLI_TEST_KEY_A", NAME, dest.toString());
    assertThat(get.code()).as(get.err()).isZero();
    assertThat(Files.readAllBytes(dest)).isEqualTo(data);
  }
}
