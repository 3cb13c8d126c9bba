package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import}: the runbook's nightly {@code .dump.gz} into a blank database with {@code --clean
 * --if-exists}, then migrations; a dry run; a truncated file refused with exit code 3.
 */
final class ImportCliTest {
  static EmbeddedPostgres pg;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws IOException {
    pg = TestPg.start("cli-import");
  }

  @AfterAll
  static void stop() throws IOException {
    pg.close();
  }

  @Test
  void import_dumpGz_cleanIfExists_migrate_dryRun_truncated() throws Exception {
    TestPg.exec(pg, "postgres", "CREATE DATABASE im_src; CREATE DATABASE im_dst");
    TestPg.exec(
        pg,
        "im_src",
        "CREATE TABLE orgs (id int PRIMARY KEY, name text);"
            + " INSERT INTO orgs SELECT g, 'org ' || g FROM generate_series(1, 300) g");
    Path dump = tmp.resolve("app-20260417.dump");
    CliTest.Run backup =
        CliTest.cli(
            "backup",
            "--postgres",
            TestPg.url(pg, "im_src"),
            "--format",
            "custom",
            "--to",
            "file:" + dump);
    assertThat(backup.code()).as(backup.err()).isZero();
    Path gz = tmp.resolve("app-20260417.dump.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(dump, out);
    }
    Path migrations = Files.createDirectories(tmp.resolve("migrations"));
    Files.writeString(migrations.resolve("V1__slug.sql"), "ALTER TABLE orgs ADD COLUMN slug text;");

    CliTest.Run dry =
        CliTest.cli(
            "import",
            "--from",
            gz.toString(),
            "--postgres",
            TestPg.url(pg, "im_dst"),
            "--clean",
            "--if-exists",
            "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out())
        .contains("gzip-compressed, pg_dump custom archive, 1 tables, 300 rows")
        .contains("dry run: nothing was written");
    assertThat(TestPg.query(pg, "im_dst", "SELECT count(*) FROM pg_class WHERE relname = 'orgs'"))
        .isEqualTo("0");

    TestPg.exec(
        pg,
        "im_dst",
        "CREATE TABLE orgs (id int PRIMARY KEY, name text);"
            + " INSERT INTO orgs VALUES (1, 'stale')");
    CliTest.Run imported =
        CliTest.cli(
            "import",
            "--from",
            gz.toString(),
            "--postgres",
            TestPg.url(pg, "im_dst"),
            "--clean",
            "--if-exists",
            "--migrate",
            "filesystem:" + migrations,
            "--baseline-version",
            "0");
    assertThat(imported.code()).as(imported.err()).isZero();
    assertThat(imported.out())
        .contains("check postgres/main rows: 1 tables, 300 rows as in the" + " source")
        .contains("check migrations:");
    assertThat(
            TestPg.query(
                pg,
                "im_dst",
                "SELECT count(*) || ' ' || count(slug) || ' '" + " || min(name) FROM orgs"))
        .isEqualTo("300 0 org 1");

    try (RandomAccessFile f = new RandomAccessFile(gz.toFile(), "rw")) {
      f.setLength(f.length() / 2);
    }
    TestPg.exec(pg, "postgres", "CREATE DATABASE im_trunc");
    CliTest.Run truncated =
        CliTest.cli("import", "--from", gz.toString(), "--postgres", TestPg.url(pg, "im_trunc"));
    assertThat(truncated.code()).as(truncated.err()).isEqualTo(ExitCodes.INTEGRITY);
    assertThat(truncated.err())
        .contains("cannot be decompressed")
        .contains("nothing was written to the database");
    assertThat(
            TestPg.query(
                pg,
                "im_trunc",
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
                    + " ON n.oid = c.relnamespace WHERE n.nspname = 'public'"))
        .isEqualTo("0");
  }
}
