package com.avnology.backup.postgres.physical;

import static com.avnology.backup.postgres.physical.PhysicalTesting.archiveEverything;
import static com.avnology.backup.postgres.physical.PhysicalTesting.awaitPromotion;
import static com.avnology.backup.postgres.physical.PhysicalTesting.query;
import static com.avnology.backup.postgres.physical.PhysicalTesting.sql;
import static com.avnology.backup.postgres.physical.PhysicalTesting.walScript;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
import com.avnology.backup.Encryption;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.KeySource;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestorePlan;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real server archiving through {@link WalCommandMain} (a JVM per WAL file, as archive_command
 * would run the CLI), a physical base backup, rows A then B, and restores to moments between them.
 */
final class PhysicalRecoveryTest {
  @TempDir static Path dir;
  private static EmbeddedPostgres source;
  private static Path dataDirectory;
  private static Path sinkRoot;
  private static Path script;
  private static String setId;
  private static Instant afterA;
  private static String lsnAfterA;

  @BeforeAll
  static void backUpThenWriteAandB() throws Exception {
    sinkRoot = dir.resolve("sink");
    dataDirectory = dir.resolve("source");
    script = walScript(dir);
    source = server(dataDirectory, true, "on");
    sql(
        source,
        "ALTER SYSTEM SET archive_command = '" + script + " push %p " + sinkRoot + "'",
        "SELECT pg_reload_conf()",
        "CREATE TABLE t (id serial PRIMARY KEY, tag text NOT NULL)",
        "INSERT INTO t (tag) SELECT 'base' FROM generate_series(1, 1000)");

    BackupResult result =
        Backup.builder()
            .target(PhysicalTarget.builder(source.getPostgresDatabase(), dataDirectory).build())
            .sink(FileSystemSink.of(sinkRoot))
            .compression(Compression.zstd(1))
            .build()
            .run();
    setId = result.setId();

    sql(source, "INSERT INTO t (tag) SELECT 'A' FROM generate_series(1, 100)");
    afterA =
        Instant.parse(
            query(
                    source,
                    "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',"
                        + " 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
                .get(0));
    lsnAfterA = query(source, "SELECT pg_current_wal_insert_lsn()::text").get(0);
    sql(source, "SELECT pg_create_restore_point('after_a')");
    Thread.sleep(20);
    sql(source, "INSERT INTO t (tag) SELECT 'B' FROM generate_series(1, 100)");
    archiveEverything(source);
  }

  @AfterAll
  static void stop() throws IOException {
    if (source != null) {
      source.close();
    }
  }

  @Test
  void backup_recordsLsnRangeTimelineAndWal() {
    Manifest manifest =
        BackupCatalog.of(FileSystemSink.of(sinkRoot)).list().stream()
            .filter(m -> m.id().equals(setId))
            .findFirst()
            .orElseThrow();
    Manifest.Target target = manifest.target("physical", "cluster").orElseThrow();
    Map<String, String> meta = target.metadata();

    assertThat(meta)
        .containsKeys(
            "start_lsn",
            "stop_lsn",
            "wal_first",
            "wal_last",
            "system_identifier",
            "start_time",
            "stop_time");
    assertThat(meta.get("timeline")).isEqualTo("1");
    assertThat(target.artifacts())
        .extracting(Manifest.Artifact::path)
        .contains("physical/cluster.part-0.tar.zst", "physical/cluster.files.tsv.zst")
        .hasSize(1 + PhysicalTarget.DEFAULT_JOBS);
    assertThat(meta).containsEntry("backup_type", "full").doesNotContainKey("parent");
  }

  @Test
  void backup_listsEveryFileWithModeSizeTimeAndHash() throws Exception {
    Path list = sinkRoot.resolve("sets/" + setId + "/physical/cluster.files.tsv.zst");
    String text;
    try (var in = Compression.decompress(Compression.Algorithm.ZSTD, Files.newInputStream(list))) {
      text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
    String pgVersion = Files.readString(dataDirectory.resolve("PG_VERSION"));
    String sha =
        java.util.HexFormat.of()
            .formatHex(
                java.security.MessageDigest.getInstance("SHA-256")
                    .digest(pgVersion.getBytes(java.nio.charset.StandardCharsets.UTF_8)));

    assertThat(text)
        .startsWith("# type\tmode\tsize\tmtime\tsha256\tset\tpart\toffset\tlength" + "\tpath\n")
        .containsPattern(
            "\nf\t600\t"
                + pgVersion.length()
                + "\t[^\t]+Z\t"
                + sha
                + "\t"
                + setId
                + "\t\\d+\t\\d+\t[1-9]\\d*\tPG_VERSION\n")
        .containsPattern("\nd\t700\t0\t[^\t]+Z\t-\t-\t-1\t-1\t-1\tbase\n")
        .contains("\tbackup_label\n", "\tglobal/pg_control\n", "\tpg_wal/00000001")
        .doesNotContain("postmaster.pid");
  }

  @Test
  void newestBefore_picksTheSetThatEndedBeforeTheTime() {
    FileSystemSink sink = FileSystemSink.of(sinkRoot);
    Instant stopped =
        Instant.parse(
            BackupCatalog.of(sink)
                .list()
                .get(0)
                .target("physical", "cluster")
                .orElseThrow()
                .metadata()
                .get("stop_time"));

    assertThat(PhysicalSets.newestBefore(sink, "cluster", afterA)).contains(setId);
    assertThat(PhysicalSets.newestBefore(sink, "cluster", stopped.minusMillis(1))).isEmpty();
    assertThat(PhysicalSets.newest(sink, "cluster")).contains(setId);
  }

  @Test
  void restore_toTimeBetweenAandB_hasAnotB() throws Exception {
    assertThat(restoreAndCount(RecoveryTarget.time(afterA), "time"))
        .containsExactly("A=100", "base=1000");
  }

  @Test
  void restore_toRestorePoint_hasAnotB() throws Exception {
    assertThat(restoreAndCount(RecoveryTarget.name("after_a"), "name"))
        .containsExactly("A=100", "base=1000");
  }

  @Test
  void restore_toLsn_hasAnotB() throws Exception {
    assertThat(restoreAndCount(RecoveryTarget.lsn(lsnAfterA), "lsn"))
        .containsExactly("A=100", "base=1000");
  }

  @Test
  void restore_immediate_stopsAtTheBaseBackup() throws Exception {
    assertThat(restoreAndCount(RecoveryTarget.immediate(), "immediate"))
        .containsExactly("base=1000");
  }

  @Test
  void restore_toEndOfArchive_hasAandB() throws Exception {
    assertThat(restoreAndCount(RecoveryTarget.end(), "end"))
        .containsExactly("A=100", "B=100", "base=1000");
  }

  @Test
  void restore_withoutArchive_recoversFromWalInTheSetAlone() throws Exception {
    Path target = dir.resolve("restored-alone");
    RestorePlan.builder(FileSystemSink.of(sinkRoot))
        .set(setId)
        .target(PhysicalTarget.builder(target).build())
        .build()
        .execute();

    assertThat(target.resolve("recovery.signal")).doesNotExist();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target)))
        .isEqualTo("rwx------");
    assertThat(countOn(target)).containsExactly("base=1000");
  }

  @Test
  void restore_ofDamagedSet_refusesAndLeavesDirectoryEmpty() throws IOException {
    Path copy = dir.resolve("damaged-sink");
    try (var files = Files.walk(sinkRoot.resolve("sets"))) {
      for (Path f : files.toList()) {
        Path to = copy.resolve(sinkRoot.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to);
        }
      }
    }
    Path tar = copy.resolve("sets/" + setId + "/physical/cluster.part-0.tar.zst");
    byte[] bytes = Files.readAllBytes(tar);
    bytes[bytes.length / 2] ^= 0x55;
    Files.write(tar, bytes);
    Path target = dir.resolve("restored-damaged");
    RestorePlan plan =
        RestorePlan.builder(FileSystemSink.of(copy))
            .set(setId)
            .target(PhysicalTarget.builder(target).build())
            .build();

    assertThatThrownBy(plan::execute)
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("physical/cluster.part-0.tar.zst");
    assertThat(target).isEmptyDirectory();
  }

  @Test
  void encryptedBackup_hasNoPlaintextPage_andRestores() throws Exception {
    sql(
        source,
        "CREATE TABLE IF NOT EXISTS secret (note text)",
        "INSERT INTO secret VALUES ('marker-7c1e-plaintext')",
        "CHECKPOINT");
    Encryption encryption = Encryption.aes256Gcm(KeySource.raw(new byte[32]));
    Path sink = dir.resolve("encrypted-sink");
    String id =
        Backup.builder()
            .target(PhysicalTarget.builder(source.getPostgresDatabase(), dataDirectory).build())
            .sink(FileSystemSink.of(sink))
            .compression(Compression.none())
            .encryption(encryption)
            .build()
            .run()
            .setId();
    try (var files = Files.walk(sink)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
            .as(f.toString())
            .doesNotContain("marker-7c1e-plaintext");
      }
    }
    Path target = dir.resolve("restored-encrypted");

    RestorePlan.builder(FileSystemSink.of(sink))
        .set(id)
        .encryption(encryption)
        .target(PhysicalTarget.builder(target).build())
        .build()
        .execute();

    try (EmbeddedPostgres restored = server(target, false, "off")) {
      assertThat(query(restored, "SELECT note FROM secret")).contains("marker-7c1e-plaintext");
    }
  }

  @Test
  void backup_ofAnotherDirectory_refusesNamingBothIdentifiers() throws IOException {
    Path other = dir.resolve("other");
    Files.createDirectories(other.resolve("global"));
    Files.write(other.resolve("global/pg_control"), new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
    Backup backup =
        Backup.builder()
            .target(PhysicalTarget.builder(source.getPostgresDatabase(), other).build())
            .sink(FileSystemSink.of(dir.resolve("other-sink")))
            .build();

    assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(
            other
                + " is not the data directory of the server the data source"
                + " connects to: its system identifier is ");
  }

  @Test
  void backup_ofDirectoryWithoutPgControl_refuses() {
    Backup backup =
        Backup.builder()
            .target(
                PhysicalTarget.builder(source.getPostgresDatabase(), dir.resolve("empty")).build())
            .sink(FileSystemSink.of(dir.resolve("other-sink")))
            .build();

    assertThatThrownBy(backup::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("is not a PostgreSQL data directory (no global/pg_control)");
  }

  @Test
  void builderForRestore_recoveryWithoutRestoreCommand_isRefusedAtBuild() {
    assertThatThrownBy(
            () ->
                PhysicalTarget.builder(dir.resolve("x"))
                    .recovery(RecoveryTarget.immediate())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "recovery(recovery_target = 'immediate') needs restoreCommand(...): recovery"
                + " to a target replays archived WAL");
  }

  @Test
  void builderForRestore_commandWithoutPlaceholders_isRefused() {
    assertThatThrownBy(
            () -> PhysicalTarget.builder(dir.resolve("x")).restoreCommand("cp /archive/x y"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "restore command must contain %f and %p (PostgreSQL replaces them with the"
                + " WAL file's name and destination): cp /archive/x y");
  }

  @Test
  void restore_intoNonEmptyDirectory_refuses() throws IOException {
    Path target = Files.createDirectories(dir.resolve("busy"));
    Files.writeString(target.resolve("keep.txt"), "x");
    RestorePlan plan =
        RestorePlan.builder(FileSystemSink.of(sinkRoot))
            .set(setId)
            .target(PhysicalTarget.builder(target).build())
            .build();

    assertThatThrownBy(plan::execute)
        .hasMessageContaining(
            "physical/cluster: "
                + target
                + " is not empty: give an empty or new"
                + " directory (or restore with delta into an existing data directory)");
    assertThat(target).isDirectoryContaining(p -> p.getFileName().toString().equals("keep.txt"));
  }

  private static List<String> restoreAndCount(RecoveryTarget recovery, String label)
      throws Exception {
    Path target = dir.resolve("restored-" + label);
    RestorePlan.builder(FileSystemSink.of(sinkRoot))
        .set(setId)
        .target(
            PhysicalTarget.builder(target)
                .restoreCommand(script + " get %f %p " + sinkRoot)
                .recovery(recovery)
                .build())
        .build()
        .execute();
    assertThat(target.resolve("recovery.signal")).exists();
    return countOn(target);
  }

  private static List<String> countOn(Path target) throws Exception {
    try (EmbeddedPostgres restored = server(target, false, "off")) {
      awaitPromotion(restored);
      return query(restored, "SELECT tag || '=' || count(*) FROM t GROUP BY tag ORDER BY tag");
    }
  }

  private static EmbeddedPostgres server(Path data, boolean fresh, String archiveMode)
      throws IOException {
    Path sockets = Files.createDirectories(dir.resolve("sockets"));
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(fresh)
        .setServerConfig("unix_socket_directories", sockets.toString())
        .setServerConfig("archive_mode", archiveMode)
        .setServerConfig("max_wal_senders", "2")
        .setPGStartupWait(Duration.ofSeconds(60))
        .start();
  }
}
