package com.avnology.backup.postgres.internal.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.avnology.backup.postgres.internal.engine.DirectoryArchiveSource;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.ZoneId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link TocListing} against the real {@code pg_restore -l} 15. */
final class TocListingTest {
  private static String source;
  @TempDir Path tmp;

  @BeforeAll
  static void fixture() {
    Dumps.assumeTools();
    source = Fidelity.createAllKindsDatabase("lssrc");
    Fidelity.applySql("COMMENT ON DATABASE " + source + " IS 'listed only with -C'", source);
  }

  @BeforeEach
  void tools() {
    Dumps.assumeTools();
  }

  @Test
  void format_customArchive_sameAsPgRestoreList() throws IOException {
    Path file = Dumps.pgDump(tmp.resolve("all.dump"), source, "-Fc");

    String listing =
        TocListing.format(
            new CustomArchiveSource(file).toc(), TocListing.Kind.CUSTOM, ZoneId.systemDefault());

    assertThat(listing).isEqualTo(Fidelity.runTool("pg_restore", "-l", file.toString()));
  }

  @Test
  void format_uncompressedCustomArchive_sameAsPgRestoreList() throws IOException {
    Path file = Dumps.pgDump(tmp.resolve("all.dump"), source, "-Fc", "-Z0");

    String listing = TocListing.format(new CustomArchiveSource(file).toc());

    assertThat(listing).isEqualTo(Fidelity.runTool("pg_restore", "-l", file.toString()));
  }

  @Test
  void format_tarAndDirectoryArchives_sameAsPgRestoreList() throws IOException {
    Path tar = Dumps.pgDump(tmp.resolve("all.tar"), source, "-Ft");
    Path dir = Dumps.pgDump(tmp.resolve("dir"), source, "-Fd");

    assertThat(
            TocListing.format(
                new TarArchiveSource(tar).toc(), TocListing.Kind.TAR, ZoneId.systemDefault()))
        .isEqualTo(Fidelity.runTool("pg_restore", "-l", tar.toString()));
    assertThat(TocListing.format(new DirectoryArchiveSource(dir).toc()))
        .isEqualTo(Fidelity.runTool("pg_restore", "-l", dir.toString()));
  }

  @Test
  void format_ourCustomArchive_sameAsPgRestoreList() throws IOException {
    Path dir = Dumps.pgDump(tmp.resolve("dir"), source, "-Fd");
    Path file = tmp.resolve("ours.dump");
    CustomArchiveWriter.convert(new DirectoryArchiveSource(dir), file, CompressionAlgorithm.GZIP);

    assertThat(TocListing.format(new CustomArchiveSource(file).toc()))
        .isEqualTo(Fidelity.runTool("pg_restore", "-l", file.toString()));
  }
}
