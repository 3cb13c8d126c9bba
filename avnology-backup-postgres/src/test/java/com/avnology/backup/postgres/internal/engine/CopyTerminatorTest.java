package com.avnology.backup.postgres.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

final class CopyTerminatorTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "1\\n2\\n\\\\.\\n\\n\\n | 1\\n2\\n",
        "1\\n2\\n\\\\.\\n | 1\\n2\\n",
        "\\\\.\\n\\n\\n | ''",
        "1\\n2\\n | 1\\n2\\n",
        "a\\\\.\\n\\n\\n | a\\\\.\\n\\n\\n",
        "x\\t\\\\.\\n | x\\t\\\\.\\n"
      })
  void strip_removesOnlyAFinalEndOfDataLine(String input, String expected) throws IOException {
    String in = unescape(input.strip());
    String want = unescape(expected.strip());
    try (InputStream s =
        CopyTerminator.strip(new ByteArrayInputStream(in.getBytes(StandardCharsets.UTF_8)))) {
      assertThat(new String(s.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(want);
    }
  }

  @ParameterizedTest
  @CsvSource({"100000", "65540", "7"})
  void strip_bigInputsAcrossBuffers_keepsEveryRow(int rows) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      sb.append(i).append("\tvalue ").append(i).append('\n');
    }
    String body = sb.toString();
    byte[] data = (body + "\\.\n\n\n").getBytes(StandardCharsets.UTF_8);
    try (InputStream s = CopyTerminator.strip(new SlowStream(data))) {
      assertThat(new String(s.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
    }
  }

  @ParameterizedTest
  @CsvSource({"1", "3", "16", "16384"})
  void strip_smallBuffers_stillFindTheTerminator(int buffer) throws IOException {
    String body = "1\tone\n2\ttwo\n3\t\\.\n";
    byte[] data = (body + "\\.\n\n\n").getBytes(StandardCharsets.UTF_8);
    try (InputStream s = CopyTerminator.strip(new ByteArrayInputStream(data), buffer)) {
      assertThat(new String(s.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo(body);
    }
  }

  private static String unescape(String s) {
    return s.replace("\\\\", "\u0000")
        .replace("\\n", "\n")
        .replace("\\t", "\t")
        .replace("\u0000", "\\");
  }

  /** Returns at most 1000 bytes a read, like a network stream. */
  private static final class SlowStream extends ByteArrayInputStream {
    SlowStream(byte[] data) {
      super(data);
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      return super.read(b, off, Math.min(len, 1000));
    }
  }
}
