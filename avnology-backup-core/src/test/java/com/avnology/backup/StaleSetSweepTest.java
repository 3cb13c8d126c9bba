package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.internal.Names;
import com.avnology.backup.testing.LoggedChild;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unpublished sets left by dead runs are swept by the next backup, whatever their age, and said so;
 * sets that a live process (another one, or this one) is writing are never touched.
 */
final class StaleSetSweepTest {
  @TempDir Path tmp;

  /**
   * Child JVM. {@code hold SINK}: starts a set, writes an artifact, prints {@code holding <id>} and
   * waits to be killed. {@code backup SOURCE SINK}: one backup of a volume.
   */
  public static void main(String[] args) throws Exception {
    FileSystemSink sink = FileSystemSink.of(Path.of(args[args.length - 1]));
    if (args[0].equals("hold")) {
      String id = Names.newSetId(Instant.now());
      BackupSink.SetWriter writer = sink.create(id);
      try (OutputStream out = writer.artifact("volume/held.tar")) {
        out.write(new byte[64 * 1024]);
      }
      System.out.println("holding " + id);
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5));
      return;
    }
    Backup.builder().target(VolumeTarget.of("data", Path.of(args[1]))).sink(sink).build().run();
  }

  @Test
  void nextBackup_setOfALiveProcess_isLeftAlone_andSweptOnceItIsKilled() throws Exception {
    Path sinkDir = tmp.resolve("sink");
    Process holder = holder(sinkDir);
    String id = awaitHolding(holder);
    Path held = sinkDir.resolve("sets/" + id);
    try {
      String mine = backup(FileSystemSink.of(sinkDir));
      assertThat(held.resolve("volume/held.tar")).as("a live run's set is kept").isRegularFile();
      assertThat(FileSystemSink.of(sinkDir).list()).containsExactly(mine);
    } finally {
      holder.destroyForcibly(); // SIGKILL: no shutdown hook, no clean-up of its own
      assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(held).isDirectory();

    String log =
        LoggedChild.run(
            StaleSetSweepTest.class,
            tmp,
            Map.of(),
            "backup",
            data().toString(),
            sinkDir.toString());

    assertThat(held).as("the killed run's set is swept by the next backup").doesNotExist();
    assertThat(log)
        .contains("INFO")
        .contains(
            "removed unpublished set "
                + id
                + " from file:"
                + sinkDir
                + ": the run writing it (started ");
  }

  @Test
  void nextBackup_setOfAnInterruptedProcess_isSwept() throws Exception {
    Path sinkDir = tmp.resolve("sink");
    Process holder = holder(sinkDir);
    String id = awaitHolding(holder);
    new ProcessBuilder("kill", "-INT", Long.toString(holder.pid())).start().waitFor();
    assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(holder.exitValue()).isEqualTo(130);
    assertThat(sinkDir.resolve("sets/" + id)).isDirectory();

    String mine = backup(FileSystemSink.of(sinkDir));

    assertThat(sinkDir.resolve("sets/" + id)).doesNotExist();
    try (var dirs = Files.list(sinkDir.resolve("sets"))) {
      assertThat(dirs.map(p -> p.getFileName().toString())).containsExactly(mine);
    }
  }

  @Test
  void nextBackup_setBeingWrittenInThisJvm_isLeftAlone() throws Exception {
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    String id = Names.newSetId(Instant.now().minus(Duration.ofDays(3)));
    try (BackupSink.SetWriter writer = sink.create(id)) {
      try (OutputStream out = writer.artifact("volume/a.tar")) {
        out.write(1);
      }
      String other =
          backup(FileSystemSink.builder(tmp.resolve("sink")).staleAfter(Duration.ZERO).build());

      assertThat(tmp.resolve("sink/sets/" + id + "/volume/a.tar")).isRegularFile();
      assertThat(sink.list()).containsExactly(other);
    }
    assertThat(tmp.resolve("sink/sets/" + id)).as("closed unpublished: aborted").doesNotExist();
  }

  @Test
  void nextBackup_unpublishedSetWithoutLockFile_isJudgedByItsAge() throws Exception {
    Path sets = Files.createDirectories(tmp.resolve("sink/sets"));
    Instant now = Instant.parse("2026-03-01T12:00:00Z");
    String young = Names.newSetId(now.minus(Duration.ofHours(1)));
    String old = Names.newSetId(now.minus(Duration.ofHours(25)));
    Files.createDirectories(sets.resolve(young + "/volume"));
    Files.createDirectories(sets.resolve(old + "/volume"));

    backup(
        FileSystemSink.builder(tmp.resolve("sink"))
            .clock(Clock.fixed(now, ZoneOffset.UTC))
            .build());

    assertThat(sets.resolve(young)).as("may be a run of an older version").isDirectory();
    assertThat(sets.resolve(old)).doesNotExist();
  }

  private Path data() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "after the crash");
    return data;
  }

  private String backup(FileSystemSink sink) throws IOException {
    return Backup.builder()
        .target(VolumeTarget.of("data", data()))
        .sink(sink)
        .build()
        .run()
        .setId();
  }

  private Process holder(Path sinkDir) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            List.of(
                java,
                "-Xmx64m",
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                System.getProperty("java.class.path"),
                StaleSetSweepTest.class.getName(),
                "hold",
                sinkDir.toString()))
        .redirectError(tmp.resolve("holder.err").toFile())
        .start();
  }

  private String awaitHolding(Process holder) throws IOException {
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
    String line = lines.readLine();
    assertThat(line).as(Files.readString(tmp.resolve("holder.err"))).startsWith("holding ");
    return line.substring("holding ".length());
  }
}
