package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A sink root that does not exist is an error, not an empty sink; only a backup creates it. */
final class MissingSinkRootTest {
  @TempDir Path tmp;

  @Test
  void list_rootMissing_isNotFoundNamingThePath() {
    Path missing = tmp.resolve("does/not/exist");
    FileSystemSink sink = FileSystemSink.of(missing);

    assertThatThrownBy(sink::list)
        .isInstanceOf(NotFoundException.class)
        .hasMessage(
            "backup sink file:"
                + missing
                + " does not exist (no directory "
                + missing
                + "): check the path; only a backup creates it");
    assertThatThrownBy(() -> BackupCatalog.of(sink).list()).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> sink.open("20260101T000000.000Z-abcdef"))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("does not exist (no directory");
    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .volume("v", tmp.resolve("out"))
                    .build()
                    .execute())
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining(missing.toString());
    assertThat(tmp.resolve("does")).doesNotExist();
  }

  @Test
  void list_emptyRootThatExists_isEmpty() throws Exception {
    FileSystemSink sink = FileSystemSink.of(Files.createDirectories(tmp.resolve("fresh")));
    assertThat(sink.list()).isEmpty();
  }

  @Test
  void backup_rootMissing_createsIt() throws Exception {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "a");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("new/root"));

    String id =
        Backup.builder().target(VolumeTarget.of("data", data)).sink(sink).build().run().setId();

    assertThat(sink.list()).containsExactly(id);
  }
}
