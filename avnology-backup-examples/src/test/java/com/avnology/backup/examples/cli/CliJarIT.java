package com.avnology.backup.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
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
    return launch(System.getProperty("cli.jar", "target/avnology-backup.jar"), env, args);
  }

  static Run launch(String jar, java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return launch(jar, List.of(), env, args);
  }

  static Run launch(List<String> jvm, java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    return launch(System.getProperty("cli.jar", "target/avnology-backup.jar"), jvm, env, args);
  }

  static Run launch(String jar, List<String> jvm, java.util.Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command =
        new ArrayList<>(
            List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(jvm);
    command.addAll(List.of("-jar", jar));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    // data commands record class-data archives (Relaunch): here, never in the user's own cache
    pb.environment()
        .put("XDG_CACHE_HOME", Path.of("target", "jar-cache").toAbsolutePath().toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), UTF_8);
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    return new Run(p.exitValue(), output);
  }

  @Test
  void cliJar_isLean_andSendsTheDemoToTheDemoJar() throws Exception {
    Path jar = Path.of(System.getProperty("cli.jar", "target/avnology-backup.jar"));
    assertThat(Files.size(jar)).as("avnology-backup.jar size").isLessThanOrEqualTo(25L << 20);
    try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
      assertThat(zip.getEntry("org/gaul/s3proxy/S3Proxy.class")).isNull();
      assertThat(zip.getEntry("io/zonky/test/db/postgres/embedded/EmbeddedPostgres.class"))
          .isNull();
      assertThat(zip.getEntry("org/postgresql/Driver.class")).isNotNull();
    }

    for (String[] line : new String[][] {{"demo"}, {"s3-server", "--dir", tmp.toString()}}) {
      String command = line[0];
      Run run = jar(line);
      assertThat(run.code()).as(run.output()).isEqualTo(1);
      assertThat(run.output())
          .contains(
              command
                  + " needs the embedded PostgreSQL and S3 server,"
                  + " which avnology-backup.jar leaves out: run it from the demo jar, java -jar"
                  + " avnology-backup-demo.jar "
                  + command);
    }
  }

  @Test
  void demoJar_runsTheDemo() throws Exception {
    String demo = System.getProperty("demo.jar", "target/avnology-backup-demo.jar");

    Run run = launch(demo, java.util.Map.of(), "--identities", "200", "--jobs", "1");

    assertThat(run.code()).as(run.output()).isZero();
    assertThat(run.output()).contains("embedded PostgreSQL").contains("restored");
  }

  /** The lean jar talks S3 without what it leaves out (BouncyCastle, Snappy's natives). */
  @Test
  void cliJar_backsUpToS3_servedByTheDemoJar() throws Exception {
    String demo = System.getProperty("demo.jar", "target/avnology-backup-demo.jar");
    Process server =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                demo,
                "s3-server",
                "--dir",
                tmp.resolve("s3").toString(),
                "--bucket",
                "lean")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      java.io.BufferedReader lines =
          new java.io.BufferedReader(new java.io.InputStreamReader(server.getInputStream(), UTF_8));
      java.util.Map<String, String> printed = new java.util.HashMap<>();
      for (String line; printed.size() < 3 && (line = lines.readLine()) != null; ) {
        String[] kv = line.split("=", 2);
        printed.put(kv[0], kv[1]);
      }
      Files.createDirectories(tmp.resolve("v"));
      Files.writeString(tmp.resolve("v/a.txt"), "over S3");
      String sink = "s3://lean/sets?endpoint=" + printed.get("endpoint");
      java.util.Map<String, String> env =
          java.util.Map.of(
              "AWS_ACCESS_KEY_ID", printed.get("AWS_ACCESS_KEY_ID"),
              "AWS_SECRET_ACCESS_KEY", printed.get("AWS_SECRET_ACCESS_KEY"));

      Run backup = jarWithEnv(env, "backup", "--to", sink, "--volume", "v=" + tmp.resolve("v"));
      Run restore =
          jarWithEnv(env, "restore", "--from", sink, "--volume", "v=" + tmp.resolve("out"));

      assertThat(backup.code()).as(backup.output()).isZero();
      assertThat(restore.code()).as(restore.output()).isZero();
      assertThat(tmp.resolve("out/a.txt")).hasContent("over S3");
    } finally {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly().waitFor();
      }
    }
    // SIGTERM stops the server promptly (it used to wait out the CLI's six-minute shutdown hook)
    assertThat(server.exitValue()).as("s3-server exit code after SIGTERM").isZero();
  }

  /**
   * A data command runs in a second JVM ({@link Relaunch}): its first successful run records a
   * class-data archive, the next maps its classes from it; standard output holds only the JSON;
   * exit codes come through.
   */
  @Test
  void jar_dataCommands_recordAClassArchiveOnce_thenUseIt() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("v"));
    Files.writeString(volume.resolve("a.txt"), "hello");
    String sink = "file:" + tmp.resolve("sink");
    Path cache = tmp.resolve("my cache"); // a space, too
    Path archives = cache.resolve("avnology-backup");

    Run failed =
        jarWithEnv(
            java.util.Map.of("XDG_CACHE_HOME", cache.toString()),
            "verify",
            "--from",
            "file:" + tmp.resolve("none"));
    assertThat(failed.code()).as(failed.output()).isEqualTo(ExitCodes.FAILED);
    assertThat(failed.output()).contains("does not exist");
    assertThat(listing(archives)).as("a failed run records nothing").isEmpty();

    List<String> first =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xlog:class+load=info:file=" + tmp.resolve("classes-%p.log"),
            "-jar",
            System.getProperty("cli.jar", "target/avnology-backup.jar"),
            "backup",
            "--to",
            sink,
            "--volume",
            "v=" + volume,
            "--json");
    for (int run = 1; run <= 2; run++) {
      ProcessBuilder pb =
          new ProcessBuilder(first).redirectError(tmp.resolve("err" + run + ".txt").toFile());
      pb.environment().put("XDG_CACHE_HOME", cache.toString());
      pb.environment().remove(Relaunch.SWITCH);
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), UTF_8);
      assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
      String err = Files.readString(tmp.resolve("err" + run + ".txt"));
      assertThat(p.exitValue()).as(err).isZero();
      assertThat(out.strip()).as("only the JSON result on stdout").startsWith("{").endsWith("}");
      assertThat(listing(archives))
          .singleElement()
          .satisfies(
              a -> assertThat(a.getFileName().toString()).startsWith("backup-").endsWith(".jsa"))
          .satisfies(a -> assertThat(Files.size(a)).isGreaterThan(1 << 20));
    }
    // three JVMs logged their classes (the first run's launcher and command, the second's command
    // and launcher): one of them loaded the command's classes from the archive
    String logs = "";
    for (Path log : listing(tmp)) {
      if (log.getFileName().toString().startsWith("classes-")) {
        logs += Files.readString(log);
      }
    }
    assertThat(logs).contains("com.avnology.backup.VolumeTarget source: shared objects file");
  }

  @Test
  void sigtermWhileTheFirstRunDumpsItsArchive_endsWithTheCommandsCode_andLeavesNothing()
      throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("vol"));
    Files.writeString(volume.resolve("a.txt"), "hello");
    Path cache = tmp.resolve("cache");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                System.getProperty("cli.jar", "target/avnology-backup.jar"),
                "backup",
                "--to",
                "file:" + tmp.resolve("sink"),
                "--volume",
                "v=" + volume,
                "--json")
            .redirectError(tmp.resolve("err.txt").toFile());
    pb.environment().put("XDG_CACHE_HOME", cache.toString());
    pb.environment().remove(Relaunch.SWITCH);
    Process p = pb.start();
    // read as it comes: destroy() closes this JVM's end of the pipe
    java.util.concurrent.CompletableFuture<String> output =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () -> {
              try {
                return new String(p.getInputStream().readAllBytes(), UTF_8);
              } catch (IOException e) {
                return "cannot read: " + e;
              }
            });
    // the backup itself runs in a second JVM; once it is done, the first dumps the archive
    ProcessHandle dump = null;
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
    while (dump == null && p.isAlive() && System.nanoTime() < deadline) {
      dump =
          p.children()
              .filter(
                  c ->
                      c.info()
                          .arguments()
                          .map(a -> List.of(a).contains("-Xshare:dump"))
                          .orElse(false))
              .findFirst()
              .orElse(null);
      Thread.sleep(10);
    }
    assertThat(dump).as("the dump of the first run's classes").isNotNull();
    p.destroy(); // SIGTERM
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    String out = output.get(1, TimeUnit.MINUTES);
    assertThat(p.exitValue())
        .as("the backup succeeded: " + Files.readString(tmp.resolve("err.txt")))
        .isZero();
    assertThat(out.strip()).startsWith("{").endsWith("}");
    ProcessHandle stopped = dump;
    assertThat(stopped.onExit()).succeedsWithin(java.time.Duration.ofSeconds(30));
    // no archive, no list, no half-dumped file: the next run tries again
    assertThat(listing(cache.resolve("avnology-backup"))).isEmpty();
    // the backup itself succeeded, and recorded its size for the next run's compiler
    try (java.util.stream.Stream<Path> files = Files.list(cache.resolve("avnology-backup"))) {
      assertThat(files.map(f -> f.getFileName().toString()))
          .singleElement()
          .satisfies(n -> assertThat(n).startsWith("backup-").endsWith(".bytes"));
    }
  }

  /** {@return the cache directory's files but the commands' size records (Relaunch.SIZE_HINT)} */
  private static List<Path> listing(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> !f.getFileName().toString().endsWith(".bytes")).toList();
    }
  }

  /**
   * JDK 17 crashes loading a class from a static archive of application classes while a flight
   * recording runs (the driver's first connection): a JVM asked for one gets no archive.
   */
  @Test
  void jar_withAFlightRecording_runsWithoutTheArchive() throws Exception {
    try (io.zonky.test.db.postgres.embedded.EmbeddedPostgres pg = TestPg.start("clijar-jfr")) {
      TestPg.exec(pg, "postgres", "CREATE TABLE t (id int); INSERT INTO t VALUES (1), (2)");
      java.util.Map<String, String> env =
          java.util.Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString(), Relaunch.SWITCH, "1");
      String[] backup = {
        "backup", "--postgres", TestPg.url(pg, "postgres"), "--to", "file:" + tmp.resolve("sink")
      };
      for (int run = 1; run <= 2; run++) { // the first records the archive, the second maps it
        Run r = launch(List.of(), env, backup);
        assertThat(r.code()).as(r.output()).isZero();
      }
      assertThat(listing(tmp.resolve("cache/avnology-backup"))).hasSize(1);
      Path recording = tmp.resolve("r.jfr");
      Run recorded = launch(List.of("-XX:StartFlightRecording:filename=" + recording), env, backup);
      assertThat(recorded.code()).as(recorded.output()).isZero();
      assertThat(recording).isNotEmptyFile();
      Run tool =
          launch(
              List.of(),
              java.util.Map.of(
                  "XDG_CACHE_HOME",
                  tmp.resolve("cache").toString(),
                  Relaunch.SWITCH,
                  "1",
                  "JAVA_TOOL_OPTIONS",
                  "-XX:StartFlightRecording:filename=" + tmp.resolve("t.jfr")),
              backup);
      assertThat(tool.code()).as(tool.output()).isZero();
      assertThat(tmp.resolve("t.jfr")).isNotEmptyFile();
    }
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
    java.util.Map<String, String> env =
        java.util.Map.of(
            "BACKUP_KEY",
            b64,
            "WRONG_KEY",
            java.util.Base64.getEncoder().encodeToString(new byte[32]));

    Run backup =
        jarWithEnv(
            env,
            "backup",
            "--to",
            sink,
            "--volume",
            "v=" + volume,
            "--key-env",
            "BACKUP_KEY",
            "--compression",
            "none");
    assertThat(backup.code()).as(backup.output()).isZero();
    try (var files = Files.walk(tmp.resolve("sink"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain("MARKER-4711");
      }
    }
    assertThat(jarWithEnv(env, "verify", "--from", sink, "--key-env", "BACKUP_KEY").code())
        .isZero();
    Run noKey = jar("restore", "--from", sink, "--volume", "v=" + tmp.resolve("a"));
    assertThat(noKey.code()).isEqualTo(1);
    assertThat(tmp.resolve("a")).doesNotExist();
    Run wrong =
        jarWithEnv(
            env,
            "restore",
            "--from",
            sink,
            "--volume",
            "v=" + tmp.resolve("b"),
            "--key-env",
            "WRONG_KEY");
    assertThat(wrong.code()).isEqualTo(1);
    assertThat(wrong.output()).doesNotContain(b64);
    assertThat(tmp.resolve("b")).doesNotExist();
    Run ok =
        jarWithEnv(
            env,
            "restore",
            "--from",
            sink,
            "--volume",
            "v=" + tmp.resolve("c"),
            "--key-env",
            "BACKUP_KEY");
    assertThat(ok.code()).as(ok.output()).isZero();
    assertThat(tmp.resolve("c/identity.txt"))
        .hasSameTextualContentAs(volume.resolve("identity.txt"));
    System.out.println(
        "no key: " + noKey.output().strip() + "\nwrong key: " + wrong.output().strip());
  }
}
