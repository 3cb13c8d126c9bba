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
    String jar = System.getProperty("cli.jar", "target/avnology-backup.jar");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
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
}
