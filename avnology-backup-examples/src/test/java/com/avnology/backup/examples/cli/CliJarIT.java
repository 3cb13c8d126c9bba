package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the packaged {@code avnology-backup.jar} as users do: {@code java -jar}. */
final class CliJarIT {
  @TempDir Path tmp;

  record Run(int code, String output) {}

  static Run jar(String... args) throws IOException, InterruptedException {
    return jarWithEnv(java.util.Map.of(), args);
  }

  static Run jarWithEnv(java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    String jar = System.getProperty("cli.jar", "target/avnology-backup.jar");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), output);
  }

  @Test
  void jar_backupAndRestore_roundTrip() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("v/sub"));
    Files.writeString(volume.resolve("a.txt"), "hello");
    String sink = "file:" + tmp.resolve("sink");

    assertThat(jar("--help").output()).contains("Commands:");
    Run backup = jar("backup", "--to", sink, "--volume", "v=" + tmp.resolve("v"));
    assertThat(backup.code()).as(backup.output()).isZero();
    Run restore = jar("restore", "--from", sink, "--volume", "v=" + tmp.resolve("out"));
    assertThat(restore.code()).as(restore.output()).isZero();
    assertThat(tmp.resolve("out/sub/a.txt")).hasContent("hello");
    Run missing = jar("restore", "--from", sink, "--volume", "nope=" + tmp.resolve("x"));
    assertThat(missing.code()).isEqualTo(1);
    assertThat(missing.output()).contains("holds no volume/nope");
  }

  @Test
  void jar_encryptedBackup_needsTheKeyAndHidesThePlaintext() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("secret"));
    Files.writeString(volume.resolve("identity.txt"), "MARKER-4711-plaintext ".repeat(100));
    String sink = "file:" + tmp.resolve("sink");
    byte[] key = new byte[32];
    new java.security.SecureRandom().nextBytes(key);
    String b64 = java.util.Base64.getEncoder().encodeToString(key);
    java.util.Map<String, String> env = java.util.Map.of("BACKUP_KEY", b64,
        "WRONG_KEY", java.util.Base64.getEncoder().encodeToString(new byte[32]));

    Run backup = jarWithEnv(env, "backup", "--to", sink, "--volume", "v=" + volume,
        "--key-env", "BACKUP_KEY", "--compression", "none");
    assertThat(backup.code()).as(backup.output()).isZero();
    try (var files = Files.walk(tmp.resolve("sink"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(f.toString()).doesNotContain("MARKER-4711");
      }
    }
    assertThat(jarWithEnv(env, "verify", "--from", sink, "--key-env", "BACKUP_KEY").code())
        .isZero();
    Run noKey = jar("restore", "--from", sink, "--volume", "v=" + tmp.resolve("a"));
    assertThat(noKey.code()).isEqualTo(1);
    assertThat(tmp.resolve("a")).doesNotExist();
    Run wrong = jarWithEnv(env, "restore", "--from", sink, "--volume", "v=" + tmp.resolve("b"),
        "--key-env", "WRONG_KEY");
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.output()).doesNotContain(b64);
    assertThat(tmp.resolve("b")).doesNotExist();
    Run ok = jarWithEnv(env, "restore", "--from", sink, "--volume", "v=" + tmp.resolve("c"),
        "--key-env", "BACKUP_KEY");
    assertThat(ok.code()).as(ok.output()).isZero();
    assertThat(tmp.resolve("c/identity.txt")).hasSameTextualContentAs(volume.resolve("identity.txt"));
    System.out.println("no key: " + noKey.output().strip() + "\nwrong key: " + wrong.output().strip());
  }
}
