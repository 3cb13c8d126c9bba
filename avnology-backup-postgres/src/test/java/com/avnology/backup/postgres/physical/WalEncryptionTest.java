package com.avnology.backup.postgres.physical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Encryption;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.KeyException;
import com.avnology.backup.KeySource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real WAL (a server's pg_wal after a table with a marker string was written) pushed to an
 * encrypted archive: no plaintext in the sink, round trips, old plain objects stay readable, and a
 * missing or wrong key fails before anything is written.
 */
final class WalEncryptionTest {
  private static final String MARKER = "marker-wal-5d2f-plaintext";
  @TempDir static Path dir;
  private static List<Path> segments;
  private static final Encryption KEY = Encryption.aes256Gcm(KeySource.raw(filled(7)));

  @BeforeAll
  static void writeMarkerIntoWal() throws Exception {
    Path data = dir.resolve("data");
    Path sockets = Files.createDirectories(dir.resolve("sockets"));
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(true)
                .setServerConfig("unix_socket_directories", sockets.toString())
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
        Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE TABLE secret (note text)");
      s.execute("INSERT INTO secret SELECT '" + MARKER + "' || g FROM generate_series(1, 200) g");
      s.execute("SELECT pg_switch_wal()");
      s.execute("CHECKPOINT");
      copyWal(data);
    }
  }

  private static void copyWal(Path data) throws java.io.IOException {
    Path copy = Files.createDirectories(dir.resolve("pg_wal"));
    segments = new ArrayList<>();
    try (var files = Files.list(data.resolve("pg_wal"))) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        segments.add(Files.copy(f, copy.resolve(f.getFileName())));
      }
    }
  }

  @Test
  void encryptedArchive_holdsNoPlaintext_andRoundTrips() throws Exception {
    assertThat(segments.stream().anyMatch(WalEncryptionTest::holdsMarker))
        .as("the marker is in the server's WAL, in the clear")
        .isTrue();
    Path sink = dir.resolve("encrypted");
    WalArchive archive = WalArchive.builder(FileSystemSink.of(sink)).encryption(KEY).build();
    for (Path segment : segments) {
      assertThat(archive.push(segment)).isEqualTo(WalArchive.PushResult.STORED);
    }
    assertThat(archive.push(segments.get(0))).isEqualTo(WalArchive.PushResult.ALREADY_ARCHIVED);

    try (var files = Files.walk(sink)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(holdsMarker(f)).as(f.toString()).isFalse();
        assertThat(Arrays.copyOf(Files.readAllBytes(f), 4))
            .isEqualTo("AVO1".getBytes(StandardCharsets.US_ASCII));
      }
    }
    for (Path segment : segments) {
      Path dest = dir.resolve("restored-" + segment.getFileName());
      assertThat(archive.get(segment.getFileName().toString(), dest)).isTrue();
      assertThat(Files.mismatch(segment, dest)).isEqualTo(-1);
    }
  }

  @Test
  void plainObjectsWrittenBefore_stayReadableWithAKey() throws Exception {
    Path sink = dir.resolve("mixed");
    WalArchive.of(FileSystemSink.of(sink)).push(segments.get(0));
    WalArchive encrypted = WalArchive.builder(FileSystemSink.of(sink)).encryption(KEY).build();
    String name = segments.get(0).getFileName().toString();
    Path dest = dir.resolve("mixed-" + name);

    assertThat(encrypted.push(segments.get(0))).isEqualTo(WalArchive.PushResult.ALREADY_ARCHIVED);
    assertThat(encrypted.get(name, dest)).isTrue();
    assertThat(Files.mismatch(segments.get(0), dest)).isEqualTo(-1);
  }

  @Test
  void encryptedObject_withoutKeyOrWithAnotherKey_failsAndWritesNothing() throws Exception {
    Path sink = dir.resolve("keyed");
    WalArchive.builder(FileSystemSink.of(sink)).encryption(KEY).build().push(segments.get(0));
    String name = segments.get(0).getFileName().toString();
    Path dest = dir.resolve("nokey-" + name);

    assertThatThrownBy(() -> WalArchive.of(FileSystemSink.of(sink)).get(name, dest))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining(
            "is encrypted and no key was given: give the archive's key"
                + " (--key-env VAR or --passphrase-env VAR)");
    Encryption other = Encryption.aes256Gcm(KeySource.raw(filled(8)));
    assertThatThrownBy(
            () ->
                WalArchive.builder(FileSystemSink.of(sink))
                    .encryption(other)
                    .build()
                    .get(name, dest))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("does not open wal/00000001/" + name + ".zst: it is the wrong key");
    Encryption passphrase = Encryption.aes256Gcm(KeySource.passphrase("p".toCharArray()));
    assertThatThrownBy(
            () ->
                WalArchive.builder(FileSystemSink.of(sink))
                    .encryption(passphrase)
                    .build()
                    .get(name, dest))
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("was encrypted with a 32-byte key");
    assertThat(dest).doesNotExist();
  }

  @Test
  void passphrase_isStretchedOncePerInstance_andRoundTrips() throws Exception {
    Path sink = dir.resolve("passphrase");
    Encryption passphrase = Encryption.aes256Gcm(KeySource.passphrase("hunter2".toCharArray()));
    WalArchive archive = WalArchive.builder(FileSystemSink.of(sink)).encryption(passphrase).build();
    archive.push(segments.get(0));
    archive.push(segments.get(1));
    String name = segments.get(1).getFileName().toString();
    Path dest = dir.resolve("pp-" + name);

    assertThat(
            WalArchive.builder(FileSystemSink.of(sink))
                .encryption(Encryption.aes256Gcm(KeySource.passphrase("hunter2".toCharArray())))
                .build()
                .get(name, dest))
        .isTrue();
    assertThat(Files.mismatch(segments.get(1), dest)).isEqualTo(-1);
  }

  @Test
  void partialVersion_isServedZeroPaddedWhenTheSegmentIsAbsent() throws Exception {
    Path sink = dir.resolve("partial");
    WalArchive archive = WalArchive.builder(FileSystemSink.of(sink)).encryption(KEY).build();
    Path segment = segments.get(0);
    String name = segment.getFileName().toString();
    archive.storePartial(name, segment, 8192);
    archive.storePartial(name, segment, 3 * 8192);

    assertThat(archive.list()).containsExactly(name + ".partial");
    assertThat(FileSystemSink.of(sink).listObjects("wal/"))
        .containsExactly("wal/00000001/" + name + ".partial.00006000.zst");
    Path dest = dir.resolve("partial-" + name);
    assertThat(archive.get(name, dest)).isTrue();
    byte[] original = Files.readAllBytes(segment);
    byte[] served = Files.readAllBytes(dest);
    assertThat(served).hasSize(original.length);
    assertThat(Arrays.copyOf(served, 3 * 8192)).isEqualTo(Arrays.copyOf(original, 3 * 8192));
    assertThat(Arrays.copyOfRange(served, 3 * 8192, served.length)).containsOnly((byte) 0);

    archive.store(name, segment);
    archive.dropPartials(name);
    assertThat(archive.list()).containsExactly(name);
  }

  private static boolean holdsMarker(Path file) {
    try {
      return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(MARKER);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] filled(int b) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) b);
    return key;
  }
}
