package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dry run says where each target goes and what it would replace, and writes nothing. */
final class RestorePlanDescribeTest {
  @TempDir Path tmp;

  @Test
  void describe_volume_saysWhatTheDirectoryHoldsAndWritesNothing() throws Exception {
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    Files.writeString(certs.resolve("a.pem"), "a");
    Files.writeString(certs.resolve("b.pem"), "b");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    String id =
        Backup.builder().target(VolumeTarget.of("certs", certs)).sink(sink).build().run().setId();

    Path absent = tmp.resolve("absent");
    RestoreDescription fresh = RestorePlan.builder(sink).volume("certs", absent).build().describe();
    assertThat(fresh.setId()).isEqualTo(id);
    assertThat(fresh.steps())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.target()).isEqualTo("volume/certs");
              assertThat(s.source()).isEqualTo("set " + id + " in " + sink);
              assertThat(s.artifacts()).isEqualTo(1);
              assertThat(s.bytes()).isPositive();
              assertThat(s.destination())
                  .isEqualTo(
                      "directory "
                          + absent
                          + ": 2 entries from the set; the directory does not exist and is created");
            });
    assertThat(absent).doesNotExist();

    RestoreDescription over = RestorePlan.builder(sink).volume("certs", certs).build().describe();
    assertThat(over.steps().get(0).destination())
        .endsWith(
            "the directory holds 2 entries:"
                + " the restore is refused (overwrite, CLI --overwrite, allows it)");
    assertThat(over.toString())
        .startsWith("restore set " + id + ", 1 step:")
        .contains("1. volume/certs from set " + id);
  }
}
