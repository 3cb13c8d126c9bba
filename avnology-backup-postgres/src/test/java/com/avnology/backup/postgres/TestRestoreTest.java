package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.HealthCheck;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.VolumeTarget;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.SetTampering;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scheduled-style test restore: scratch database and directory, checks, nothing left. */
final class TestRestoreTest {
  @TempDir Path tmp;

  private static long scratchDatabases() throws Exception {
    try (var c = EmbeddedPg.dataSource("postgres").getConnection();
        var s = c.createStatement();
        var rs =
            s.executeQuery(
                "SELECT count(*) FROM pg_database"
                    + " WHERE datname LIKE 'avnology_test_restore_%'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void goodSet_passes_andLeavesNothing_tamperedSet_failsByContent() throws Exception {
    String source = EmbeddedPg.createDatabase("trsrc");
    Fidelity.applySql(
        "CREATE TABLE ledger (id int PRIMARY KEY, amount int);"
            + " INSERT INTO ledger SELECT g, g FROM generate_series(1, 300) g;",
        source);
    Path certs = Files.createDirectories(tmp.resolve("certs"));
    Files.writeString(certs.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult backup =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .target(VolumeTarget.of("certs", certs))
            .sink(sink)
            .compression(Compression.none())
            .build()
            .run();
    Path work = Files.createDirectories(tmp.resolve("work"));

    RestoreResult ok =
        TestRestore.builder(sink)
            .scratchServer(EmbeddedPg.dataSource("postgres"))
            .workDirectory(work)
            .build()
            .run();
    assertThat(ok.checks())
        .extracting(HealthCheck::name)
        .contains("postgres/main rows", "postgres/main content");
    assertThat(ok.checks()).allMatch(HealthCheck::ok);
    assertThat(scratchDatabases()).isZero();
    try (var files = Files.list(work)) {
      assertThat(files).isEmpty();
    }

    // rows rewritten, artifact hashes updated to match: only the content digest can tell
    Path set = sink.root().resolve("sets").resolve(backup.setId());
    assertThat(SetTampering.rewriteRows(set, backup.setId(), "\n42\t42\n", "\n42\t-42\n")).isOne();

    assertThatThrownBy(
            () ->
                TestRestore.builder(sink)
                    .scratchServer(EmbeddedPg.dataSource("postgres"))
                    .workDirectory(work)
                    .build()
                    .run())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("public.ledger differs from what the backup read");
    assertThat(scratchDatabases()).isZero();
  }
}
