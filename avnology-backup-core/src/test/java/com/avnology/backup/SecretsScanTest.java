package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.testing.LoggedChild;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM logs at DEBUG to a file while it runs successful and failing encrypted backups,
 * restores and verifications on a file sink, and prints every exception (with causes) and the
 * toString of every object involved; none of it may hold the key or the passphrase.
 */
final class SecretsScanTest {
  static final String PASSPHRASE = "pass-Kq7Wz3Lm9Xv2";
  @TempDir Path tmp;

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path volume = Files.createDirectories(dir.resolve("v"));
    Files.writeString(volume.resolve("a.txt"), "data");
    FileSystemSink sink = FileSystemSink.of(dir.resolve("sink"));
    Encryption raw = Encryption.aes256Gcm(KeySource.raw(EncryptionTest.KEY));
    Encryption env = Encryption.aes256Gcm(KeySource.env("SCAN_KEY"));
    Encryption pass = Encryption.aes256Gcm(KeySource.passphrase(PASSPHRASE.toCharArray()));
    Encryption wrongPass = Encryption.aes256Gcm(KeySource.passphrase("x".toCharArray()));
    for (Encryption enc : new Encryption[] {raw, env, pass}) {
      Backup backup =
          Backup.builder().target(VolumeTarget.of("v", volume)).sink(sink).encryption(enc).build();
      String id = backup.run().setId();
      var plan =
          RestorePlan.builder(sink)
              .set(id)
              .encryption(enc)
              .volume("v", dir.resolve("out-" + id))
              .build();
      plan.execute();
      System.out.println(
          backup
              + " "
              + plan
              + " "
              + BackupCatalog.builder(sink).encryption(enc).build()
              + " "
              + BackupCatalog.builder(sink).encryption(enc).build().verify(id)
              + " "
              + BackupCatalog.of(sink).manifest(id));
    }
    String id = sink.list().get(0);
    Runnable[] failing = {
      () ->
          Backup.builder()
              .target(VolumeTarget.of("v", volume))
              .sink(sink)
              .encryption(Encryption.aes256Gcm(KeySource.env("SCAN_KEY_MISSING")))
              .build()
              .run(),
      () ->
          Backup.builder()
              .target(VolumeTarget.of("v", volume))
              .target(new FailureTest.ExplodingTarget())
              .sink(sink)
              .encryption(raw)
              .build()
              .run(),
      () ->
          RestorePlan.builder(sink)
              .set(id)
              .encryption(raw)
              .volume("v", dir.resolve("x"))
              .build()
              .execute(),
      () ->
          RestorePlan.builder(sink)
              .set(id)
              .encryption(wrongPass)
              .volume("v", dir.resolve("x"))
              .build()
              .execute(),
      () -> RestorePlan.builder(sink).set(id).volume("v", dir.resolve("x")).build().execute(),
      () -> BackupCatalog.builder(sink).encryption(raw).build().verify(id),
      () -> KeySource.raw(new byte[5]),
    };
    for (Runnable r : failing) {
      try {
        r.run();
        System.out.println("DID NOT FAIL");
      } catch (RuntimeException e) {
        System.out.println(LoggedChild.describe(e));
      }
    }
  }

  @Test
  void debugLogsMessagesAndToStrings_holdNoKeyOrPassphrase() throws Exception {
    String b64 = Base64.getEncoder().encodeToString(EncryptionTest.KEY);
    String all =
        LoggedChild.run(SecretsScanTest.class, tmp, Map.of("SCAN_KEY", b64), tmp.toString());

    assertThat(all)
        .contains("DEBUG")
        .contains("published set")
        .contains("does not open set")
        .contains("SCAN_KEY_MISSING is not set")
        .contains("connection reset mid-stream")
        .doesNotContain("DID NOT FAIL");
    assertThat(all)
        .doesNotContain(b64)
        .doesNotContain(b64.substring(0, 16))
        .doesNotContain(HexFormat.of().formatHex(EncryptionTest.KEY).substring(0, 16))
        .doesNotContain(PASSPHRASE);
  }
}
