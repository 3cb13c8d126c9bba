package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.PgDumpArchive;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backup --format custom}: the gzip level is honoured, an existing file needs --force. */
final class CustomFormatCliTest {
  static EmbeddedPostgres pg;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    Path sockets =
        Files.createDirectories(
            Path.of(System.getProperty("java.io.tmpdir"), "cli-custom-sockets"));
    pg =
        EmbeddedPostgres.builder()
            .setServerConfig("unix_socket_directories", sockets.toString())
            .start();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE t (id int PRIMARY KEY, note text)");
      s.execute(
          "INSERT INTO t SELECT g, md5((g % 97)::text) || repeat(' identity ', g % 13)"
              + " FROM generate_series(1, 30000) g");
    }
  }

  @AfterAll
  static void stop() throws IOException {
    pg.close();
  }

  private static String url() {
    return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres?user=postgres";
  }

  private static CliTest.Run export(Path file, String... more) {
    String[] base = {"backup", "--postgres", url(), "--format", "custom", "--to", "file:" + file};
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return CliTest.cli(all);
  }

  @Test
  void formatCustom_gzip1AndGzip9_giveDifferentSizes_bothReadable() {
    Path fast = tmp.resolve("fast.dump");
    Path small = tmp.resolve("small.dump");

    CliTest.Run one = export(fast, "--compression", "gzip:1");
    CliTest.Run nine = export(small, "--compression", "gzip:9");

    assertThat(one.code()).as(one.err()).isZero();
    assertThat(nine.code()).as(nine.err()).isZero();
    assertThat(small.toFile().length()).isLessThan(fast.toFile().length());
    assertThat(PgDumpArchive.open(fast).listing()).contains("TABLE DATA public t");
    assertThat(PgDumpArchive.open(small).listing()).contains("TABLE DATA public t");
  }

  @Test
  void formatCustom_existingFile_refusedNamingForce_replacedWithForce() throws Exception {
    Path dump = Files.writeString(tmp.resolve("app.dump"), "yesterday's export");

    CliTest.Run refused = export(dump);

    assertThat(refused.code()).isEqualTo(2);
    assertThat(refused.err())
        .contains(
            dump + " already exists: give another --to file, or add" + " --force to replace it");
    assertThat(Files.readString(dump)).isEqualTo("yesterday's export");

    CliTest.Run forced = export(dump, "--force");
    assertThat(forced.code()).as(forced.err()).isZero();
    assertThat(PgDumpArchive.open(dump).format()).isEqualTo(PgDumpArchive.Format.CUSTOM);
  }
}
