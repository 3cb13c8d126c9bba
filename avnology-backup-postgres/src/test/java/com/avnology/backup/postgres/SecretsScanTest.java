package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.Encryption;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.KeySource;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM logs at DEBUG to a file while it runs a successful encrypted Postgres backup and
 * restore with a password in the JDBC URL, and failing ones (unknown database, unreachable port,
 * password given apart); the log, every exception with its causes and every toString must hold
 * neither password nor the encryption key.
 */
final class SecretsScanTest {
  static final String PASSWORD = "pg-pass-Rt5Yu6Io7";
  static final String OTHER_PASSWORD = "pg-other-Qw2Er3Ty4";
  @TempDir Path tmp;

  /** Child JVM: args port, source database, empty database, directory; key in SCAN_KEY. */
  public static void main(String[] args) throws Exception {
    String base = "jdbc:postgresql://localhost:" + args[0] + "/";
    Path dir = Path.of(args[3]);
    Encryption enc = Encryption.aes256Gcm(KeySource.env("SCAN_KEY"));
    FileSystemSink sink = FileSystemSink.of(dir.resolve("sink"));
    PostgresTarget source =
        PostgresTarget.builder(base + args[1] + "?user=postgres&password=" + PASSWORD).build();
    Backup backup = Backup.builder().target(source).sink(sink).encryption(enc).build();
    String id = backup.run().setId();
    PostgresTarget target = PostgresTarget.builder(base + args[2] + "?user=postgres").build();
    var plan = RestorePlan.builder(sink).latest().encryption(enc).target(target).build();
    plan.execute();
    System.out.println(
        source
            + " "
            + target
            + " "
            + backup
            + " "
            + plan
            + " "
            + BackupCatalog.builder(sink).encryption(enc).build().verify(id)
            + " "
            + BackupCatalog.of(sink).manifest(id));
    Runnable[] failing = {
      () ->
          Backup.builder()
              .target(
                  PostgresTarget.builder(
                          base + "no_such_db?user=postgres" + "&password=" + PASSWORD)
                      .build())
              .sink(sink)
              .encryption(enc)
              .build()
              .run(),
      () ->
          Backup.builder()
              .target(
                  PostgresTarget.builder(
                          "jdbc:postgresql://localhost:1/x?user=postgres&password=" + PASSWORD)
                      .build())
              .sink(sink)
              .encryption(enc)
              .build()
              .run(),
      () ->
          Backup.builder()
              .target(
                  PostgresTarget.builder(base + "no_such_db?user=postgres")
                      .password(OTHER_PASSWORD)
                      .build())
              .sink(sink)
              .build()
              .run(),
      () ->
          RestorePlan.builder(sink)
              .latest()
              .target(
                  PostgresTarget.builder(base + args[2] + "?user=postgres&password=" + PASSWORD)
                      .build())
              .build()
              .execute(),
    };
    try {
      PostgresTarget.builder("jdbc:postgresql://postgres:" + PASSWORD + "@localhost:1/x");
      System.out.println("DID NOT FAIL");
    } catch (IllegalArgumentException e) {
      System.out.println(e.getMessage());
    }
    for (Runnable r : failing) {
      try {
        r.run();
        System.out.println("DID NOT FAIL");
      } catch (RuntimeException e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        for (Throwable c = e; c != null; c = c.getCause()) {
          w.append("\n").append(String.valueOf(c));
        }
        System.out.println(w);
      }
    }
  }

  @Test
  void debugLogsMessagesAndToStrings_holdNoPasswordOrKey() throws Exception {
    byte[] key = new byte[32];
    new java.util.Random(21).nextBytes(key);
    String b64 = Base64.getEncoder().encodeToString(key);
    String source = EmbeddedPg.createDatabase("scan");
    PostgresFaultTest.exec(
        source,
        "CREATE TABLE t (id int PRIMARY KEY, v text);"
            + " INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 1000) g");
    String target = EmbeddedPg.createDatabase("scan_dst");
    Path log = tmp.resolve("child.log");
    Path out = tmp.resolve("child.out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Xmx256m",
                    "-Djava.io.tmpdir=" + tmp,
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                    "-Dorg.slf4j.simpleLogger.logFile=" + log,
                    "-cp",
                    System.getProperty("java.class.path"),
                    SecretsScanTest.class.getName(),
                    Integer.toString(EmbeddedPg.port()),
                    source,
                    target,
                    tmp.toString()))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile());
    pb.environment().put("SCAN_KEY", b64);
    Process p = pb.start();
    assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
    String all = Files.readString(log) + "\n" + Files.readString(out);
    assertThat(p.exitValue()).as(all).isZero();

    assertThat(all)
        .contains("DEBUG")
        .contains("published set")
        .contains("no_such_db")
        .contains("localhost:1")
        .doesNotContain("DID NOT FAIL")
        .contains(
            "JDBC URL 'jdbc:postgresql://postgres:***@localhost:1/x' has a user@ or"
                + " user:password@ part, which the PostgreSQL driver does not support: use"
                + " ?user=...&password=... or password(...)");
    assertThat(
            all.lines()
                .filter(l -> l.contains(PASSWORD) || l.contains(OTHER_PASSWORD) || l.contains(b64)))
        .as("lines holding a secret")
        .isEmpty();
    assertThat(all)
        .doesNotContain(PASSWORD)
        .doesNotContain(OTHER_PASSWORD)
        .doesNotContain(b64)
        .doesNotContain(b64.substring(0, 16))
        .doesNotContain(HexFormat.of().formatHex(key).substring(0, 16));
  }
}
