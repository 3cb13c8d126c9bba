package com.avnology.backup.postgres.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The content digest: row order and write boundaries do not matter, any changed byte does. */
final class RowDigestTest {
  private static String digest(String text, int chunk) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream copy = new ByteArrayOutputStream();
    RowDigest d = new RowDigest(copy);
    for (int i = 0; i < bytes.length; i += chunk) {
      d.write(bytes, i, Math.min(chunk, bytes.length - i));
    }
    assertThat(copy.toByteArray()).isEqualTo(bytes);
    return d.value() + " " + d.rows();
  }

  @Test
  void orderAndChunking_doNotMatter_contentDoes() throws IOException {
    StringBuilder rows = new StringBuilder();
    Random random = new Random(7);
    String[] lines = new String[200];
    for (int i = 0; i < lines.length; i++) {
      lines[i] = i + "\t" + "x".repeat(random.nextInt(40)) + "\t\\N\t{1,2}";
      rows.append(lines[i]).append('\n');
    }
    StringBuilder reversed = new StringBuilder();
    for (int i = lines.length - 1; i >= 0; i--) {
      reversed.append(lines[i]).append('\n');
    }
    String expected = digest(rows.toString(), 1 << 16);
    assertThat(expected).endsWith(" 200");
    for (int chunk : new int[] {1, 3, 7, 8, 9, 64, 1000}) {
      assertThat(digest(rows.toString(), chunk)).as("chunk " + chunk).isEqualTo(expected);
    }
    assertThat(digest(reversed.toString(), 13)).isEqualTo(expected);
    assertThat(digest(rows.toString().replace("\t{1,2}\n", "\t{1,3}\n"), 64))
        .isNotEqualTo(expected);
    // moving a value from one row to another keeps the bytes, not the rows
    assertThat(digest("a\tb\nc\td\n", 4)).isNotEqualTo(digest("a\td\nc\tb\n", 4));
    assertThat(new RowDigest(OutputStream.nullOutputStream()).value())
        .isEqualTo("rowsum1:0000000000000000");
  }
}
