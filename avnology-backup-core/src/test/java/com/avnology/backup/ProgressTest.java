package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class ProgressTest {
  @TempDir Path tmp;

  @Test
  void listener_backupAndRestore_seesPhasesBytesAndEntries() throws IOException {
    Path v = Files.createDirectories(tmp.resolve("v"));
    for (int i = 0; i < 20; i++) {
      Files.write(v.resolve("f" + i), new byte[1 << 20]);
    }
    List<Progress> seen = new CopyOnWriteArrayList<>();
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    BackupResult result =
        Backup.builder()
            .target(VolumeTarget.of("v", v))
            .sink(sink)
            .compression(Compression.none())
            .listener(seen::add)
            .build()
            .run();

    assertThat(seen)
        .extracting(Progress::phase)
        .containsSubsequence(Progress.Phase.BACKUP, Progress.Phase.PUBLISH, Progress.Phase.DONE);
    assertThat(seen).allMatch(p -> p.setId().equals(result.setId()));
    Progress last = seen.get(seen.size() - 1);
    assertThat(last.entries()).isEqualTo(20);
    assertThat(last.bytes()).isEqualTo(result.size()).isGreaterThan(20L << 20);
    assertThat(seen)
        .anyMatch(p -> p.target().equals("volume/v") && p.bytes() > 0 && p.bytes() < result.size());

    seen.clear();
    RestorePlan.builder(sink)
        .latest()
        .volume("v", tmp.resolve("out"))
        .listener(seen::add)
        .build()
        .execute();
    assertThat(seen)
        .extracting(Progress::phase)
        .containsSubsequence(Progress.Phase.VERIFY, Progress.Phase.RESTORE, Progress.Phase.DONE);
    assertThat(seen.get(seen.size() - 1).entries()).isEqualTo(20);
  }

  @Test
  void listener_throwing_neverFailsTheBackup() throws IOException {
    Path v = Files.createDirectories(tmp.resolve("v"));
    Files.writeString(v.resolve("a"), "a");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    BackupResult result =
        Backup.builder()
            .target(VolumeTarget.of("v", v))
            .sink(sink)
            .listener(
                p -> {
                  throw new IllegalStateException("listener bug");
                })
            .build()
            .run();

    assertThat(sink.list()).containsExactly(result.setId());
  }
}
