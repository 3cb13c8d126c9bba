package com.avnology.backup.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupException;
import com.avnology.backup.Compression;
import com.avnology.backup.Encryption;
import com.avnology.backup.KeySource;
import com.avnology.backup.Progress;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.VolumeTarget;
import com.avnology.backup.s3.testing.S3Server;
import com.avnology.backup.testing.LoggedChild;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted sets in S3: the server stopped mid-backup, and a scan of DEBUG logs for secrets. */
final class EncryptedS3Test {
  static final byte[] KEY = new byte[32];
  static final String WRONG_SECRET = "wrong-secret-Hh4Jj5Kk6";

  static {
    new Random(5).nextBytes(KEY);
  }

  @TempDir Path tmp;
  S3Server server;

  @BeforeEach
  void start() {
    server = S3Server.start(tmp.resolve("s3"));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static S3Sink.Builder sink(URI endpoint, String bucket, String secret) {
    return S3Sink.builder(endpoint, bucket)
        .credentials(S3Credentials.of(S3Server.ACCESS_KEY, secret))
        .partSize(5 << 20)
        .retry(RetryPolicy.builder().retries(1).baseDelay(Duration.ofMillis(20)).build())
        .timeout(Duration.ofSeconds(5));
  }

  @Test
  void serverStoppedMidEncryptedBackup_noSetListed_nextBackupSucceeds() throws Exception {
    String bucket = server.bucket("enc");
    Path volume = Files.createDirectories(tmp.resolve("v"));
    byte[] big = new byte[24 << 20];
    new Random(9).nextBytes(big);
    Files.write(volume.resolve("big.bin"), big);
    Encryption enc = Encryption.aes256Gcm(KeySource.raw(KEY));
    AtomicBoolean stopped = new AtomicBoolean();
    Backup failing =
        Backup.builder()
            .target(VolumeTarget.of("v", volume))
            .sink(sink(server.endpoint(), bucket, S3Server.SECRET_KEY).build())
            .compression(Compression.zstd(1))
            .encryption(enc)
            .listener(
                p -> {
                  if (p.phase() == Progress.Phase.BACKUP
                      && p.bytes() > (12 << 20)
                      && stopped.compareAndSet(false, true)) {
                    server.stop(); // two parts are uploaded, the upload is open
                  }
                })
            .build();

    assertThatThrownBy(failing::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("backup of volume/v failed")
        .hasMessageContaining("cannot reach bucket 'enc'");
    assertThat(stopped).isTrue();

    server.restart();
    Clock later = Clock.fixed(Instant.now().plus(Duration.ofHours(2)), ZoneOffset.UTC);
    S3Sink next = sink(server.endpoint(), bucket, S3Server.SECRET_KEY).clock(later).build();
    assertThat(next.list()).isEmpty();
    String id =
        Backup.builder()
            .target(VolumeTarget.of("v", volume))
            .sink(next)
            .clock(later)
            .encryption(enc)
            .build()
            .run()
            .setId();
    assertThat(next.list()).containsExactly(id);
    assertThat(S3SinkTest.keys(server.client(), bucket).stream().filter(k -> k.startsWith("sets/")))
        .allMatch(k -> k.startsWith("sets/" + id + "/"));
    assertThat(BackupCatalog.builder(next).encryption(enc).build().verify(id).ok()).isTrue();
    Path out = tmp.resolve("out");
    RestorePlan.builder(next).latest().encryption(enc).volume("v", out).build().execute();
    assertThat(Files.readAllBytes(out.resolve("big.bin"))).isEqualTo(big);
  }

  /** Child JVM: args endpoint, bucket, directory. */
  public static void main(String[] args) throws Exception {
    URI endpoint = URI.create(args[0]);
    String bucket = args[1];
    Path dir = Path.of(args[2]);
    Path volume = Files.createDirectories(dir.resolve("v"));
    Files.writeString(volume.resolve("a.txt"), "data");
    Encryption enc = Encryption.aes256Gcm(KeySource.env("SCAN_KEY"));
    S3Sink good = sink(endpoint, bucket, S3Server.SECRET_KEY).build();
    Backup backup =
        Backup.builder().target(VolumeTarget.of("v", volume)).sink(good).encryption(enc).build();
    String id = backup.run().setId();
    var plan =
        RestorePlan.builder(good).latest().encryption(enc).volume("v", dir.resolve("out")).build();
    plan.execute();
    System.out.println(
        backup
            + " "
            + plan
            + " "
            + good
            + " "
            + BackupCatalog.builder(good).encryption(enc).build().verify(id)
            + " "
            + BackupCatalog.of(good).manifest(id)
            + " "
            + S3Credentials.of(S3Server.ACCESS_KEY, S3Server.SECRET_KEY));
    S3Sink bad = sink(endpoint, bucket, WRONG_SECRET).retry(RetryPolicy.none()).build();
    Runnable[] failing = {
      () ->
          Backup.builder()
              .target(VolumeTarget.of("v", volume))
              .sink(bad)
              .encryption(enc)
              .build()
              .run(),
      () ->
          RestorePlan.builder(bad)
              .latest()
              .encryption(enc)
              .volume("v", dir.resolve("x"))
              .build()
              .execute(),
      () -> BackupCatalog.builder(bad).encryption(enc).build().verify(id),
      () -> RestorePlan.builder(good).latest().volume("v", dir.resolve("x")).build().execute(),
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
  void debugLogsMessagesAndToStrings_holdNoSecretKeyOrEncryptionKey() throws Exception {
    String bucket = server.bucket("scan");
    String b64 = Base64.getEncoder().encodeToString(KEY);
    String all =
        LoggedChild.run(
            EncryptedS3Test.class,
            tmp,
            Map.of("SCAN_KEY", b64),
            server.endpoint().toString(),
            bucket,
            tmp.toString());

    assertThat(all)
        .contains("DEBUG")
        .contains("published set")
        .contains("were rejected")
        .contains("is encrypted: give its key")
        .doesNotContain("DID NOT FAIL");
    assertThat(all)
        .doesNotContain(S3Server.SECRET_KEY)
        .doesNotContain(WRONG_SECRET)
        .doesNotContain(b64)
        .doesNotContain(b64.substring(0, 16))
        .doesNotContain(java.util.HexFormat.of().formatHex(KEY).substring(0, 16));
  }
}
