package com.avnology.backup.postgres.internal.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.internal.archive.ArchiveVersion;
import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocFile;
import com.avnology.backup.postgres.internal.engine.ArchiveRestore;
import com.avnology.backup.postgres.internal.engine.DirectoryArchiveSource;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Custom-format archives of versions 1.15 and 1.16 with lz4 and zstd, which pg_dump 15 cannot
 * write: produced by our writer from a real pg_dump -Fd archive, checked byte by byte against
 * WriteHead (pg_backup_archiver.c), read back by our reader and restored with fidelity.
 */
final class CustomArchiveVersionsTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @CsvSource({"15, ZSTD", "15, LZ4", "16, ZSTD", "16, LZ4", "16, GZIP", "16, NONE"})
  void newerVersions_writtenReadAndRestored(int minor, CompressionAlgorithm algorithm)
      throws Exception {
    Dumps.assumeTools();
    String source = Fidelity.createAllKindsDatabase("v" + minor);
    Path dir = Dumps.pgDump(tmp.resolve("dir"), source, "-Fd");
    Path file = tmp.resolve("x.dump");
    ArchiveVersion version = new ArchiveVersion(1, minor, 0);

    CustomArchiveWriter.convert(new DirectoryArchiveSource(dir), file, algorithm, version);

    // WriteHead: "PGDMP", vmaj, vmin, vrev, intSize, offSize, format; from 1.15 one byte of
    // compression algorithm (pg_compress_algorithm: none 0, gzip 1, lz4 2, zstd 3).
    byte[] head = Files.readAllBytes(file);
    assertThat(new String(head, 0, 5, java.nio.charset.StandardCharsets.US_ASCII))
        .isEqualTo("PGDMP");
    assertThat(new int[] {head[5], head[6], head[7], head[8], head[9], head[10], head[11]})
        .containsExactly(1, minor, 0, 4, 8, 1, algorithm.code());
    TocFile ours = new CustomArchiveSource(file).toc();
    TocFile theirs = new DirectoryArchiveSource(dir).toc();
    assertThat(ours.header().version()).isEqualTo(version);
    assertThat(ours.header().compression()).isEqualTo(algorithm);
    assertThat(ours.entries())
        .extracting(
            TocEntry::dumpId,
            TocEntry::desc,
            TocEntry::tag,
            TocEntry::defn,
            TocEntry::dropStmt,
            TocEntry::copyStmt,
            TocEntry::dependencies)
        .containsExactlyElementsOf(
            theirs.entries().stream()
                .map(
                    e ->
                        org.assertj.core.groups.Tuple.tuple(
                            e.dumpId(),
                            e.desc(),
                            e.tag(),
                            e.defn(),
                            e.dropStmt(),
                            e.copyStmt(),
                            e.dependencies()))
                .toList());

    String target = EmbeddedPg.createDatabase("v" + minor + "dst");
    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(new CustomArchiveSource(file));
    Fidelity.assertSameDatabase(source, target);
    assertThatThrownBy(() -> Fidelity.runTool("pg_restore", "-l", file.toString()))
        .hasMessageContaining("unsupported version (1." + minor + ")");
  }
}
