package com.avnology.backup.postgres.internal.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.avnology.backup.postgres.internal.engine.ArchiveRestore;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import com.avnology.backup.postgres.internal.engine.DirectoryArchiveSource;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.OryFixtures;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Ory Kratos schema with generated rows through every format; skipped without fixtures. */
final class OryKratosFormatsTest {
  private static String source;
  @TempDir Path tmp;

  @BeforeAll
  static void fixture() {
    Dumps.assumeTools();
    OryFixtures.requireDirectory();
    source = EmbeddedPg.createDatabase("krsrc");
    OryFixtures.loadSchema("kratos", source);
    assertThat(OryFixtures.fillWithRows(source, 20).rowsInserted()).isPositive();
  }

  @BeforeEach
  void tools() {
    Dumps.assumeTools();
    OryFixtures.requireDirectory();
  }

  @Test
  void ourRestore_pgDumpCustomTarAndPipedArchives_sameSchemaAndData() {
    restoreAndCompare(new CustomArchiveSource(Dumps.pgDump(tmp.resolve("k.dump"), source, "-Fc")));
    restoreAndCompare(
        new CustomArchiveSource(Dumps.pgDump(tmp.resolve("k0.dump"), source, "-Fc", "-Z0")));
    restoreAndCompare(
        new CustomArchiveSource(Dumps.pgDumpThroughPipe(tmp.resolve("kp.dump"), source)));
    restoreAndCompare(new TarArchiveSource(Dumps.pgDump(tmp.resolve("k.tar"), source, "-Ft")));
  }

  @Test
  void pgRestore_convertedArchives_sameSchemaAndDataAndListing() throws IOException {
    Path dir = Dumps.pgDump(tmp.resolve("dir"), source, "-Fd");
    Path file = tmp.resolve("file.dump");
    CustomArchiveWriter.convert(new DirectoryArchiveSource(dir), file, CompressionAlgorithm.GZIP);
    Path stream = tmp.resolve("stream.dump");
    try (OutputStream out = Files.newOutputStream(stream)) {
      CustomArchiveWriter.convert(new DirectoryArchiveSource(dir), out, CompressionAlgorithm.NONE);
    }

    for (Path dump : new Path[] {file, stream}) {
      String target = EmbeddedPg.createDatabase("krdst");
      Fidelity.runTool("pg_restore", "--exit-on-error", "-j", "2", "-d", target, dump.toString());
      Fidelity.assertSameDatabase(source, target);
      assertThat(
              TocListing.format(
                  new CustomArchiveSource(dump).toc(),
                  TocListing.Kind.CUSTOM,
                  ZoneId.systemDefault()))
          .isEqualTo(Fidelity.runTool("pg_restore", "-l", dump.toString()));
    }
  }

  private static void restoreAndCompare(ArchiveSource archive) {
    String target = EmbeddedPg.createDatabase("krdst");
    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(archive);
    Fidelity.assertSameDatabase(source, target);
  }
}
