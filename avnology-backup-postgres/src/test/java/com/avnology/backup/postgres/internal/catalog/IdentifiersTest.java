package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Identifier quoting in one place, with its three forms. */
final class IdentifiersTest {
  @Test
  void threeForms() {
    assertThat(Identifiers.fmtId("users")).isEqualTo("users");
    assertThat(Identifiers.fmtId("Users")).isEqualTo("\"Users\"");
    assertThat(Identifiers.fmtId("select")).isEqualTo("\"select\"");
    assertThat(Identifiers.fmtId("a\"b")).isEqualTo("\"a\"\"b\"");
    assertThat(Identifiers.fmtId("")).isEqualTo("\"\"");
    // a keyword since PostgreSQL 16: pg_dump 15 leaves it bare, our own statements quote it
    assertThat(Identifiers.fmtId("json_table")).isEqualTo("json_table");
    assertThat(Identifiers.quote("json_table")).isEqualTo("\"json_table\"");
    assertThat(Identifiers.quote("users")).isEqualTo("users");
    assertThat(Identifiers.alwaysQuoted("flyway_schema_history"))
        .isEqualTo("\"flyway_schema_history\"");
  }

  /** Quoting written again anywhere else in the module fails this. */
  @Test
  void noOtherQuoterInTheModule() throws IOException {
    Path main = Path.of("src/main/java");
    try (Stream<Path> files = Files.walk(main)) {
      List<String> quoters =
          files
              .filter(f -> f.toString().endsWith(".java"))
              .filter(f -> !f.endsWith("Identifiers.java"))
              .filter(f -> read(f).contains(".replace(\"\\\"\", \"\\\"\\\"\")"))
              .map(f -> main.relativize(f).toString())
              .toList();
      assertThat(quoters).isEmpty();
    }
  }

  private static String read(Path f) {
    try {
      return Files.readString(f);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
