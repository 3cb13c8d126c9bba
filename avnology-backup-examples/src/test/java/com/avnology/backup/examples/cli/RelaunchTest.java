package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code java -jar avnology-backup.jar} runs in its second JVM, and when it does not. */
final class RelaunchTest {
  @TempDir Path tmp;

  private static final Path JAVA = Path.of("/opt/jdk/bin/java");

  private static final Path JAVA_HOME_JAVA =
      Path.of(System.getProperty("java.home"), "bin", "java");

  private Relaunch.Plan plan(Map<String, String> env, List<String> jvm, String... args)
      throws Exception {
    Path jar = tmp.resolve("avnology-backup.jar");
    if (!Files.exists(jar)) {
      Files.writeString(jar, "not really a jar");
    }
    return Relaunch.plan(args, jvm, env, JAVA, jar);
  }

  private Map<String, String> cache() {
    return Map.of("XDG_CACHE_HOME", tmp.resolve("cache").toString());
  }

  @Test
  void jvmArguments_asTheOsHasThem() {
    String[] expected = ProcessHandle.current().info().arguments().orElseThrow();
    assertThat(Relaunch.jvmArguments()).isNotEmpty().containsExactly(expected);
  }

  @Test
  void backup_runsInATunedJvm_withTheUsersOptionsAfterOurs_andRecordsAnArchive() throws Exception {
    Relaunch.Plan plan =
        plan(
            cache(),
            List.of("-Xmx128m", "-jar", "x.jar", "backup", "--to", "file:/b"),
            "backup",
            "--to",
            "file:/b");

    assertThat(plan).isNotNull();
    List<String> c = plan.command();
    assertThat(c.get(0)).isEqualTo(JAVA.toString());
    assertThat(c).containsSubsequence(Relaunch.OPTIONS);
    // a backup compiles with C1 only; C2's thresholds are not there
    assertThat(c).containsSubsequence(Relaunch.OPTIONS.get(0), "-XX:TieredStopAtLevel=1", "-jar");
    assertThat(c).noneMatch(o -> o.startsWith("-XX:Tier4"));
    // the young generation follows the heap the user gave this JVM, which the second one gets too
    List<String> young =
        Relaunch.youngGeneration(List.of("-Xmx128m"), cache(), Runtime.getRuntime().maxMemory());
    assertThat(c).containsSubsequence(young);
    assertThat(c.indexOf("-Xmx128m")).isGreaterThan(young.isEmpty() ? 0 : c.indexOf(young.get(0)));
    assertThat(c)
        .containsSubsequence(
            "-Davnology.backup.relaunched=true",
            "-Xmx128m",
            "-jar",
            "x.jar",
            "backup",
            "--to",
            "file:/b");
    assertThat(c.subList(c.size() - 3, c.size())).containsExactly("backup", "--to", "file:/b");
    assertThat(plan.recording().getParent()).isEqualTo(tmp.resolve("cache/avnology-backup"));
    assertThat(c).contains("-XX:DumpLoadedClassList=" + plan.recording());
    assertThat(plan.archive().getFileName().toString()).startsWith("backup-").endsWith(".jsa");
    assertThat(plan.recording().getFileName().toString())
        .startsWith(plan.archive().getFileName().toString());
    // a static archive from that list, dumped beside the archive and then moved into place
    assertThat(plan.dump())
        .containsExactly(
            JAVA.toString(),
            "-Xshare:dump",
            "-Xlog:disable",
            "-XX:SharedClassListFile=" + plan.recording(),
            "-XX:SharedArchiveFile=" + Relaunch.dumping(plan.archive()),
            "-cp",
            tmp.resolve("avnology-backup.jar").toString());
    assertThat(Relaunch.dumping(plan.archive()).getParent()).isEqualTo(plan.archive().getParent());
  }

  @Test
  void backupsThatHashWhatTheyCopy_keepC2_otherCommandsToo() {
    for (String what : List.of("--data-dir=/pg", "--bucket=logos=s3://b", "--volume")) {
      String[] args = {"backup", "--to", "file:/b", what};
      assertThat(Relaunch.quick(args, -1)).as(what).isFalse();
      assertThat(Relaunch.quick(args, 1)).as(what).isFalse();
      assertThat(Relaunch.options(args, 1)).as(what).containsSubsequence(Relaunch.TIERED);
    }
    String[] logical = {"backup", "--postgres", "jdbc:postgresql://h/d", "--to", "file:/b"};
    assertThat(Relaunch.quick(logical, -1)).isTrue();
    assertThat(Relaunch.options(logical, -1)).containsSequence(Relaunch.QUICK);
    assertThat(Relaunch.quick(new String[] {"verify", "--from", "file:/b"}, 1)).isFalse();
    assertThat(Relaunch.quick(new String[] {"restore", "--from", "file:/b"}, -1)).isFalse();
    assertThat(Relaunch.quick(new String[] {"restore", "--from", "file:/b"}, 1)).isTrue();
    // encrypted: AES-GCM wants C2 as SHA-256 does
    assertThat(Relaunch.quick(new String[] {"restore", "--key-env=K", "--from", "file:/b"}, 1))
        .isFalse();
    assertThat(Relaunch.quick(new String[] {"backup", "--passphrase-env", "P", "--to", "x"}, 1))
        .isFalse();
  }

  @Test
  void theCompiler_followsHowMuchTheCommandsLastRunMoved() throws Exception {
    List<String> jvm = List.of("-jar", "x.jar", "restore", "--from", "file:/b");
    String[] args = {"restore", "--from", "file:/b"};
    Relaunch.Plan first = plan(cache(), jvm, args);
    // no run recorded yet: C2 for a restore
    assertThat(first.command()).containsSubsequence(Relaunch.TIERED);
    String hint = hintOf(first);
    assertThat(Path.of(hint).getParent()).isEqualTo(tmp.resolve("cache/avnology-backup"));
    assertThat(Path.of(hint).getFileName().toString()).startsWith("restore-").endsWith(".bytes");

    // the second JVM records what its restore read
    recordAsTheSecondJvm(hint, 5L << 20);
    assertThat(plan(cache(), jvm, args).command())
        .containsSequence(Relaunch.QUICK)
        .noneMatch(o -> o.startsWith("-XX:Tier4"));
    recordAsTheSecondJvm(hint, 100L << 20);
    assertThat(plan(cache(), jvm, args).command())
        .containsSubsequence(Relaunch.TIERED)
        .doesNotContain(Relaunch.QUICK.get(0));

    // a backup's own record: a large one keeps C2 next time
    List<String> backup = List.of("-jar", "x.jar", "backup", "--to", "file:/b");
    Relaunch.Plan b = plan(cache(), backup, "backup", "--to", "file:/b");
    assertThat(b.command()).containsSequence(Relaunch.QUICK);
    String backupHint = hintOf(b);
    assertThat(backupHint).isNotEqualTo(hint);
    recordAsTheSecondJvm(backupHint, 100L << 20);
    assertThat(plan(cache(), backup, "backup", "--to", "file:/b").command())
        .containsSubsequence(Relaunch.TIERED);

    // what we did not write is no hint
    Files.writeString(Path.of(hint), "not a number");
    assertThat(Relaunch.lastBytes(Path.of(hint))).isEqualTo(-1);
    assertThat(Relaunch.lastBytes(tmp.resolve("missing"))).isEqualTo(-1);
  }

  /** {@return the size hint's path the plan gives the second JVM} */
  private static String hintOf(Relaunch.Plan plan) {
    return plan.command().stream()
        .filter(o -> o.startsWith("-D" + Relaunch.SIZE_HINT + "="))
        .findFirst()
        .orElseThrow()
        .substring(Relaunch.SIZE_HINT.length() + 3);
  }

  private static void recordAsTheSecondJvm(String hint, long bytes) {
    System.setProperty(Relaunch.SIZE_HINT, hint);
    try {
      Relaunch.recordBytes(bytes);
    } finally {
      System.clearProperty(Relaunch.SIZE_HINT);
    }
    assertThat(Relaunch.lastBytes(Path.of(hint))).isEqualTo(bytes);
  }

  @Test
  void aDumpThatFailed_isNotTriedAgain() throws Exception {
    List<String> jvm = List.of("-jar", "x.jar", "list", "--from", "file:/b");
    Relaunch.Plan first = plan(cache(), jvm, "list", "--from", "file:/b");
    Files.writeString(Relaunch.failed(first.archive()), "");

    Relaunch.Plan second = plan(cache(), jvm, "list", "--from", "file:/b");

    assertThat(second.recording()).isNull();
    assertThat(second.dump()).isNull();
    assertThat(second.command())
        .noneMatch(o -> o.startsWith("-XX:SharedArchiveFile") || o.startsWith("-XX:Dump"))
        .contains("-jar", "list");
  }

  @Test
  void aRecordedArchive_isUsed() throws Exception {
    List<String> jvm = List.of("-jar", "x.jar", "restore", "--from", "file:/b");
    Relaunch.Plan first = plan(cache(), jvm, "restore", "--from", "file:/b");
    Files.writeString(first.archive(), "recorded");

    Relaunch.Plan second = plan(cache(), jvm, "restore", "--from", "file:/b");

    assertThat(second.recording()).isNull();
    assertThat(second.command()).contains("-XX:SharedArchiveFile=" + first.archive());
    // a restore keeps C2 for what is really hot
    assertThat(second.command()).containsSubsequence(Relaunch.TIERED);
    assertThat(second.command()).doesNotContain("-XX:TieredStopAtLevel=1");
    assertThat(second.command()).noneMatch(o -> o.startsWith("-XX:DumpLoadedClassList"));
    assertThat(second.dump()).isNull();
  }

  @Test
  void theHeap_isInHugePages_onlyWhereTheKernelGivesThemOnRequest() throws Exception {
    Path mode = tmp.resolve("enabled");
    Files.writeString(mode, "always [madvise] never\n");
    assertThat(Relaunch.hugePages(mode)).containsExactly("-XX:+UseTransparentHugePages");
    Files.writeString(mode, "[always] madvise never\n");
    assertThat(Relaunch.hugePages(mode)).isEmpty();
    Files.writeString(mode, "always madvise [never]\n");
    assertThat(Relaunch.hugePages(mode)).isEmpty();
    assertThat(Relaunch.hugePages(tmp.resolve("no-such-file"))).isEmpty();

    // the plan asks for what this machine's kernel gives, and the user's options come after it
    List<String> c =
        plan(cache(), List.of("-XX:-UseTransparentHugePages", "-jar", "x.jar", "backup"), "backup")
            .command();
    List<String> ours = Relaunch.hugePages(Relaunch.THP);
    assertThat(c).containsAll(ours);
    if (!ours.isEmpty()) {
      assertThat(c.indexOf("-XX:-UseTransparentHugePages")).isGreaterThan(c.indexOf(ours.get(0)));
      // and this JVM takes the option without a word on standard error
      Process p =
          new ProcessBuilder(
                  JAVA_HOME_JAVA.toString(),
                  "-Xlog:disable",
                  "-Xlog:all=warning:stderr",
                  ours.get(0),
                  "-version")
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).isZero();
      assertThat(err)
          .doesNotContainIgnoringCase("warning")
          .doesNotContain("UseTransparentHugePages");
    }
  }

  @Test
  void theYoungGeneration_isSized_unlessTheUserSizesIt_orPicksACollectorWithoutOne() {
    List<String> plain = List.of("-jar", "x.jar");
    assertThat(Relaunch.youngGeneration(plain, Map.of(), 6L << 30)).containsExactly("-Xmn256m");
    assertThat(Relaunch.youngGeneration(plain, Map.of(), 256L << 20)).containsExactly("-Xmn64m");
    assertThat(Relaunch.youngGeneration(plain, Map.of(), 48L << 20)).isEmpty();
    for (String o :
        List.of(
            "-Xmn64m",
            "-XX:NewSize=8m",
            "-XX:MaxNewSize=8m",
            "-XX:NewRatio=3",
            "-XX:G1NewSizePercent=20",
            "-XX:+UseZGC",
            "-XX:+UseShenandoahGC")) {
      assertThat(Relaunch.youngGeneration(List.of(o, "-jar", "x.jar"), Map.of(), 6L << 30))
          .as(o)
          .isEmpty();
      for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
        assertThat(Relaunch.youngGeneration(plain, Map.of(variable, "-Xss1m " + o), 6L << 30))
            .as(variable + " " + o)
            .isEmpty();
      }
    }
  }

  @Test
  void aFlightRecording_getsNoArchive_fromTheCommandLineOrTheEnvironment() throws Exception {
    List<String> args =
        List.of("backup", "--postgres", "jdbc:postgresql://h/db", "--to", "file:/b");
    List<String> plain = new java.util.ArrayList<>(List.of("-jar", "x.jar"));
    plain.addAll(args);
    Relaunch.Plan first = plan(cache(), plain, args.toArray(String[]::new));
    Files.writeString(first.archive(), "recorded"); // an archive exists: a plain run maps it
    assertThat(plan(cache(), plain, args.toArray(String[]::new)).command())
        .contains("-XX:SharedArchiveFile=" + first.archive());

    List<String> recorded = new java.util.ArrayList<>(List.of("-XX:StartFlightRecording", "-jar"));
    recorded.add("x.jar");
    recorded.addAll(args);
    Map<String, String> tool = new java.util.HashMap<>(cache());
    tool.put("JAVA_TOOL_OPTIONS", " -Xmx1g  -XX:StartFlightRecording:filename=/tmp/r.jfr ");
    Map<String, String> jdk = new java.util.HashMap<>(cache());
    jdk.put("JDK_JAVA_OPTIONS", "-XX:+FlightRecorder");
    for (Relaunch.Plan p :
        List.of(
            plan(cache(), recorded, args.toArray(String[]::new)),
            plan(tool, plain, args.toArray(String[]::new)),
            plan(jdk, plain, args.toArray(String[]::new)))) {
      assertThat(p.recording()).isNull();
      assertThat(p.dump()).isNull();
      assertThat(p.command())
          .noneMatch(o -> o.startsWith("-XX:SharedArchiveFile") || o.startsWith("-XX:Dump"))
          .contains("-jar", "backup"); // still a second JVM, with the compiler's options
      assertThat(p.command()).containsSubsequence(Relaunch.QUICK);
    }
  }

  @Test
  void noCacheDirectory_stillRelaunches_withoutAnArchive() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");
    Relaunch.Plan plan =
        plan(
            Map.of("XDG_CACHE_HOME", file.toString()),
            List.of("-jar", "x.jar", "verify", "--from", "file:/b"),
            "verify",
            "--from",
            "file:/b");

    assertThat(plan.recording()).isNull();
    assertThat(plan.command()).noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
    assertThat(plan.command()).contains("-jar", "verify");
  }

  @Test
  void runsHere_whenSwitchedOff_forOtherCommandsAndHelp_orWhenTheUserManagesCds() throws Exception {
    List<String> jvm = List.of("-jar", "x.jar", "backup");
    assertThat(plan(Map.of("AVNOLOGY_BACKUP_RELAUNCH", "0"), jvm, "backup")).isNull();
    assertThat(plan(cache(), List.of("-jar", "x.jar", "wal-push", "p"), "wal-push", "p")).isNull();
    assertThat(plan(cache(), List.of("-jar", "x.jar", "backup", "--help"), "backup", "--help"))
        .isNull();
    assertThat(plan(cache(), List.of("-jar", "x.jar"))).isNull();
    assertThat(
            plan(
                cache(),
                List.of("-XX:SharedArchiveFile=/a.jsa", "-jar", "x.jar", "backup"),
                "backup"))
        .isNull();
    assertThat(
            plan(
                cache(),
                List.of("-XX:DumpLoadedClassList=/a.txt", "-jar", "x.jar", "backup"),
                "backup"))
        .isNull();
    // a command line that is not the one this JVM has: nothing to repeat
    assertThat(plan(cache(), List.of("-jar", "x.jar", "backup", "--other"), "backup")).isNull();
    assertThat(plan(cache(), List.of("backup"), "backup")).isNull();
  }

  @Test
  void fromADirectory_relaunchesWithoutAnArchive() {
    Relaunch.Plan plan =
        Relaunch.plan(
            new String[] {"list", "--from", "file:/b"},
            List.of("-cp", "classes", JarMain.class.getName(), "list", "--from", "file:/b"),
            cache(),
            JAVA,
            null);

    assertThat(plan.recording()).isNull();
    assertThat(plan.command())
        .containsSubsequence("-cp", "classes", JarMain.class.getName(), "list")
        .noneMatch(o -> o.startsWith("-XX:SharedArchiveFile"));
  }

  @Test
  void key_changesWithTheJar() throws Exception {
    Path jar = Files.writeString(tmp.resolve("a.jar"), "one");
    String before = Relaunch.key(jar, JAVA);
    Files.writeString(jar, "one more");

    assertThat(Relaunch.key(jar, JAVA)).isNotEqualTo(before).matches("[0-9a-f]{8}");
  }
}
