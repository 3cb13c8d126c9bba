package com.avnology.backup.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/avnology-backup}: records a class-data archive on a command's first run, uses it on
 * the next, keeps JVM notes off standard output, and fails clearly without a jar.
 */
final class LauncherIT {
  @TempDir Path tmp;

  record Run(int code, String out, String err) {}

  Run launcher(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(List.of("sh", Path.of("bin/avnology-backup").toAbsolutePath().toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectError(tmp.resolve("stderr.txt").toFile());
    pb.environment()
        .put("AVNOLOGY_BACKUP_JAR", System.getProperty("cli.jar", "target/avnology-backup.jar"));
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("XDG_CACHE_HOME", tmp.resolve("my cache").toString()); // a space, too
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), out, Files.readString(tmp.resolve("stderr.txt")));
  }

  private List<Path> archives() throws IOException {
    Path dir = tmp.resolve("my cache/avnology-backup");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  /** {@return the bytes a command's last run recorded for the launcher's choice of compiler} */
  private long recordedBytes(String command) throws IOException {
    try (Stream<Path> files = Files.list(tmp.resolve("my cache/avnology-backup"))) {
      Path hint =
          files
              .filter(
                  f ->
                      f.getFileName().toString().startsWith(command + "-")
                          && f.getFileName().toString().endsWith(".bytes"))
              .findFirst()
              .orElseThrow();
      return Long.parseLong(Files.readString(hint).strip());
    }
  }

  @Test
  void launcher_recordsAClassArchiveOnFirstRunAndUsesItAfter() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("v"));
    Files.writeString(volume.resolve("a.txt"), "hello");
    String sink = "file:" + tmp.resolve("sink");

    Run first = launcher(Map.of(), "backup", "--to", sink, "--volume", "v=" + volume, "--json");
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out().strip())
        .as("only the JSON result on stdout")
        .startsWith("{")
        .endsWith("}");
    assertThat(archives())
        .singleElement()
        .satisfies(
            a -> assertThat(a.getFileName().toString()).startsWith("backup-").endsWith(".jsa"))
        .satisfies(a -> assertThat(Files.size(a)).isGreaterThan(1 << 20));

    Run second =
        launcher(
            Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + tmp.resolve("classes.log")),
            "backup",
            "--to",
            sink,
            "--volume",
            "v=" + volume);
    assertThat(second.code()).as(second.err()).isZero();
    assertThat(Files.readString(tmp.resolve("classes.log")))
        .contains("com.avnology.backup.VolumeTarget source: shared objects file");
    assertThat(archives()).hasSize(1);
    // the size of the set it wrote, for the next run's choice of compiler (a path with a space)
    assertThat(recordedBytes("backup")).isPositive();

    Run restore =
        launcher(Map.of(), "restore", "--from", sink, "--volume", "v=" + tmp.resolve("out"));
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(tmp.resolve("out/a.txt")).hasContent("hello");
    assertThat(archives()).hasSize(2);
    assertThat(recordedBytes("restore")).isPositive();
  }

  @Test
  void launcher_withoutCdsOrForHelpOrOnFailure_recordsNothing() throws Exception {
    assertThat(launcher(Map.of(), "--help").out()).contains("Commands:");
    assertThat(launcher(Map.of(), "restore", "--help").out()).contains("--from");
    Run failed = launcher(Map.of(), "verify", "--from", "file:" + tmp.resolve("none"));
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err()).contains("does not exist");
    Run list =
        launcher(
            Map.of("AVNOLOGY_BACKUP_CDS", "0"),
            "list",
            "--from",
            "file:" + java.nio.file.Files.createDirectories(tmp.resolve("empty")));
    assertThat(list.code()).as(list.err()).isZero();
    assertThat(archives()).isEmpty();
  }

  /** JDK 17 crashes loading archived classes while a flight recording runs (see Relaunch). */
  @Test
  void launcher_withAFlightRecording_neitherRecordsNorMapsAnArchive() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("v"));
    Files.writeString(volume.resolve("a.txt"), "hello");
    String[] backup = {"backup", "--to", "file:" + tmp.resolve("sink"), "--volume", "v=" + volume};
    String jfr = "-XX:StartFlightRecording:filename=" + tmp.resolve("r.jfr");

    Run recorded = launcher(Map.of("JAVA_OPTS", jfr), backup);
    assertThat(recorded.code()).as(recorded.err()).isZero();
    assertThat(tmp.resolve("r.jfr")).isNotEmptyFile();
    assertThat(archives()).isEmpty();

    assertThat(launcher(Map.of(), backup).code()).isZero();
    assertThat(archives()).hasSize(1);
    Run tool =
        launcher(
            Map.of(
                "JAVA_TOOL_OPTIONS",
                jfr,
                "JAVA_OPTS",
                "-Xlog:class+load=info:file=" + tmp.resolve("classes.log")),
            backup);
    assertThat(tool.code()).as(tool.err()).isZero();
    assertThat(Files.readString(tmp.resolve("classes.log")))
        .contains("com.avnology.backup.VolumeTarget source: file:")
        .doesNotContain("com.avnology.backup.VolumeTarget source: shared objects file");
  }

  @Test
  void launcher_withoutAJar_saysHowToBuildIt() throws Exception {
    Run run = launcher(Map.of("AVNOLOGY_BACKUP_JAR", tmp.resolve("none.jar").toString()), "list");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.err()).contains("no jar at").contains("./mvnw package -DskipTests");
  }
}
