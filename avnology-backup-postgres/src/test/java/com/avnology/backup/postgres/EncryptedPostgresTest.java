package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.Compression;
import com.avnology.backup.Encryption;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.KeyException;
import com.avnology.backup.KeySource;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A marker planted in the database never appears in an encrypted set's raw bytes. */
final class EncryptedPostgresTest {
  private static final String MARKER = "MARKER-identity-7f3a-secret-session-token";
  @TempDir Path tmp;

  @Test
  void encryptedBackup_holdsNoPlaintextOfThePlantedMarker_andRestoresOnlyWithTheKey()
      throws Exception {
    String source = EmbeddedPg.createDatabase("enc");
    Fidelity.applySql(
        "CREATE TABLE sessions (id int PRIMARY KEY, token text, raw bytea);"
            + " COMMENT ON TABLE sessions IS '"
            + MARKER
            + "';"
            + " INSERT INTO sessions SELECT g, '"
            + MARKER
            + "' || g, convert_to('"
            + MARKER
            + "', 'UTF8') FROM generate_series(1, 2000) g;",
        source);
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Encryption encryption = Encryption.aes256Gcm(KeySource.raw(key));
    FileSystemSink plain = FileSystemSink.of(tmp.resolve("plain"));
    FileSystemSink encrypted = FileSystemSink.of(tmp.resolve("encrypted"));

    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
        .sink(plain)
        .compression(Compression.none())
        .build()
        .run();
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
        .sink(encrypted)
        .compression(Compression.none())
        .encryption(encryption)
        .build()
        .run();

    assertThat(rawContains(tmp.resolve("plain")))
        .as("the unencrypted set shows the marker")
        .isTrue();
    assertThat(rawContains(tmp.resolve("encrypted"))).as("the encrypted set hides it").isFalse();
    String noKey = EmbeddedPg.createDatabase("enc_nokey");
    assertThatThrownBy(
            () ->
                RestorePlan.builder(encrypted)
                    .latest()
                    .target(PostgresTarget.builder(EmbeddedPg.dataSource(noKey)).build())
                    .build()
                    .execute())
        .isInstanceOf(KeyException.class);
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(noKey))).isEmpty();
    String target = EmbeddedPg.createDatabase("enc_dst");
    RestorePlan.builder(encrypted)
        .latest()
        .encryption(encryption)
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build())
        .build()
        .execute();
    Fidelity.assertSameDatabase(source, target);
  }

  private static boolean rawContains(Path root) throws Exception {
    byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        String raw = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        if (raw.contains(new String(marker, StandardCharsets.ISO_8859_1))) {
          return true;
        }
      }
    }
    return false;
  }
}
