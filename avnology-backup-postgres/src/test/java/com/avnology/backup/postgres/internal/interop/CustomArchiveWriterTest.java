package com.avnology.backup.postgres.internal.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.avnology.backup.postgres.internal.archive.DataOffset;
import com.avnology.backup.postgres.internal.engine.ArchiveRestore;
import com.avnology.backup.postgres.internal.engine.DirectoryArchiveSource;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Custom archives we write from a pg_dump directory archive: the real pg_restore 15 restores them,
 * serially and with {@code -j 2}, whether offsets were set (file) or not (stream).
 */
final class CustomArchiveWriterTest {
  private static String source;
  private static Path directory;
  @TempDir static Path shared;
  @TempDir Path tmp;

  @BeforeAll
  static void fixture() {
    Dumps.assumeTools();
    source = Fidelity.createAllKindsDatabase("cwsrc");
    directory = shared.resolve("dir");
    Dumps.pgDump(directory, source, "-Fd");
  }

  @BeforeEach
  void tools() {
    Dumps.assumeTools();
  }

  @ParameterizedTest(name = "{0} {1} jobs={2}")
  @CsvSource({
    "GZIP, file, 1",
    "GZIP, file, 2",
    "NONE, file, 2",
    "GZIP, stream, 1",
    "NONE, stream, 1",
    "GZIP, stream, 2"
  })
  void pgRestore_convertedDirectoryArchive_sameSchemaAndData(
      CompressionAlgorithm compression, String output, int jobs) throws IOException {
    Path dump = tmp.resolve("all.dump");
    if (output.equals("file")) {
      CustomArchiveWriter.convert(new DirectoryArchiveSource(directory), dump, compression);
    } else {
      try (OutputStream out = Files.newOutputStream(dump)) {
        CustomArchiveWriter.convert(new DirectoryArchiveSource(directory), out, compression);
      }
    }
    int expectedFlag = output.equals("file") ? DataOffset.POS_SET : DataOffset.POS_NOT_SET;
    assertThat(new CustomArchiveSource(dump).customToc().offsets().values())
        .extracting(DataOffset::flag)
        .contains(expectedFlag)
        .containsOnly(expectedFlag, DataOffset.NO_DATA);
    String target = EmbeddedPg.createDatabase("cwdst");

    List<String> args = new ArrayList<>(List.of("--exit-on-error", "-d", target));
    if (jobs > 1) {
      args.addAll(List.of("-j", Integer.toString(jobs)));
    }
    args.add(dump.toString());
    Fidelity.runTool("pg_restore", args.toArray(String[]::new));

    Fidelity.assertSameDatabase(source, target);
  }

  @ParameterizedTest
  @CsvSource({"GZIP, file", "NONE, stream"})
  void ourRestore_convertedDirectoryArchive_sameSchemaAndData(
      CompressionAlgorithm compression, String output) throws IOException {
    Path dump = tmp.resolve("all.dump");
    if (output.equals("file")) {
      CustomArchiveWriter.convert(new DirectoryArchiveSource(directory), dump, compression);
    } else {
      try (OutputStream out = Files.newOutputStream(dump)) {
        CustomArchiveWriter.convert(new DirectoryArchiveSource(directory), out, compression);
      }
    }
    String target = EmbeddedPg.createDatabase("cwdst");

    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(new CustomArchiveSource(dump));

    Fidelity.assertSameDatabase(source, target);
  }
}
