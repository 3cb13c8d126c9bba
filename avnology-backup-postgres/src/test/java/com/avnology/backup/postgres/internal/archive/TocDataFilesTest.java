package com.avnology.backup.postgres.internal.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Data files of directory archives, checked against the gzip, lz4 and zstd command-line tools. */
final class TocDataFilesTest {
  private static final Map<CompressionAlgorithm, String> TOOL =
      Map.of(
          CompressionAlgorithm.GZIP, "/usr/bin/gzip",
          CompressionAlgorithm.LZ4, "/usr/bin/lz4",
          CompressionAlgorithm.ZSTD, "/usr/bin/zstd");

  @TempDir Path tmp;

  private static byte[] sample() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      b.append(i).append("\tname ").append(i % 97).append("\tZoë ✓\n");
    }
    return b.append("\\.\n\n\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static List<byte[]> samples() {
    byte[] random = new byte[300_000];
    new java.util.Random(42).nextBytes(random);
    byte[] runs = new byte[200_003];
    Arrays.fill(runs, 100_000, 200_003, (byte) 'x');
    return List.of(sample(), random, runs, new byte[0], "short".getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @EnumSource(CompressionAlgorithm.class)
  void writtenFilesAreStandardAndReadBack(CompressionAlgorithm alg) throws Exception {
    int n = 0;
    for (byte[] data : samples()) {
      Path dir = Files.createDirectory(tmp.resolve("s" + n++));
      try (OutputStream out = DataFiles.openForWrite(dir, "42.dat", alg, -1)) {
        out.write(data);
      }
      Path file = dir.resolve("42.dat" + alg.suffix());
      assertThat(file).exists();
      assertThat(DataFiles.find(dir, "42.dat")).contains(file);
      assertThat(DataFiles.compressionOf(file)).isEqualTo(alg);
      try (InputStream in = DataFiles.openForRead(dir, "42.dat")) {
        assertThat(in.readAllBytes()).isEqualTo(data);
      }
      if (alg != CompressionAlgorithm.NONE) {
        String tool = TOOL.get(alg);
        assumeTrue(Files.isExecutable(Path.of(tool)), "skipped: " + tool + " is absent");
        Path out = dir.resolve("decompressed");
        PgDumpFixture.run(
            List.of(
                "sh", "-c", tool + " -d -c < \"$0\" > \"$1\"", file.toString(), out.toString()));
        assertThat(Files.readAllBytes(out)).as("%s sample %d", tool, n).isEqualTo(data);
      }
    }
  }

  @Test
  void lz4WriterCompressesTableData() throws Exception {
    byte[] data = sample();
    try (OutputStream out = DataFiles.openForWrite(tmp, "9.dat", CompressionAlgorithm.LZ4, -1)) {
      for (int i = 0; i < 10; i++) {
        out.write(data);
      }
    }
    assertThat(Files.size(tmp.resolve("9.dat.lz4"))).isLessThan(data.length * 10L / 2);
  }

  @ParameterizedTest
  @EnumSource(
      value = CompressionAlgorithm.class,
      names = {"GZIP", "LZ4", "ZSTD"})
  void readsFilesMadeByTheTools(CompressionAlgorithm alg) throws Exception {
    String tool = TOOL.get(alg);
    assumeTrue(Files.isExecutable(Path.of(tool)), "skipped: " + tool + " is absent");
    byte[] data = sample();
    Path plain = tmp.resolve("plain");
    Files.write(plain, data);
    Path dir = Files.createDirectory(tmp.resolve("archive"));
    PgDumpFixture.run(
        List.of(
            "sh",
            "-c",
            tool + " -c < \"$0\" > \"$1\"",
            plain.toString(),
            dir.resolve("7.dat" + alg.suffix()).toString()));
    try (InputStream in = DataFiles.openForRead(dir, "7.dat")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void plainNameWinsAndMissingFileIsReported() throws Exception {
    Files.writeString(tmp.resolve("5.dat"), "plain");
    Files.writeString(tmp.resolve("5.dat.gz"), "not gzip");
    assertThat(DataFiles.find(tmp, "5.dat")).contains(tmp.resolve("5.dat"));
    try (InputStream in = DataFiles.openForRead(tmp, "5.dat")) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("plain");
    }
    assertThatThrownBy(() -> DataFiles.openForRead(tmp, "6.dat"))
        .isInstanceOf(NoSuchFileException.class)
        .hasMessageContaining("6.dat");
  }
}
