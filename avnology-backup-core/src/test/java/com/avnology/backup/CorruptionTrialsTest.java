package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.avnology.backup.internal.DecryptingInputStream;
import com.avnology.backup.internal.EncryptingOutputStream;
import com.avnology.backup.internal.SetKeys;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Random damage to every artifact kind of a volume set and to its manifest: single-bit flips and
 * truncations, {@value #TRIALS} of each per kind, each one checked by {@link BackupCatalog#verify}
 * and by a restore that must fail before writing anything. The seed is fixed, so a failure replays;
 * the trial and offset are in the message.
 */
final class CorruptionTrialsTest {
  static final int TRIALS = 100;
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}, encrypted={1}, {2}")
  @CsvSource({
    "zstd:3, false, volume/v.tar.zst", "zstd:3, true, volume/v.tar.zst",
    "gzip:6, false, volume/v.tar.gz", "gzip:6, true, volume/v.tar.gz",
    "zstd:3, false, manifest.json", "zstd:3, true, manifest.json"
  })
  void flipsAndTruncations_allDetectedByVerifyAndByRestoreBeforeWrite(
      String compression, boolean encrypted, String victim) throws IOException {
    Path volume = Files.createDirectories(tmp.resolve("v"));
    Random data = new Random(11);
    for (int i = 0; i < 20; i++) {
      byte[] b = new byte[data.nextInt(20_000)];
      data.nextBytes(b);
      java.util.Arrays.fill(b, 0, b.length / 2, (byte) 'a');
      Files.write(volume.resolve("f" + i + ".bin"), b);
    }
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Encryption enc = encrypted ? Encryption.aes256Gcm(KeySource.raw(EncryptionTest.KEY)) : null;
    String id =
        Backup.builder()
            .target(VolumeTarget.of("v", volume))
            .sink(sink)
            .compression(Compression.parse(compression))
            .encryption(enc)
            .build()
            .run()
            .setId();
    Path file = sink.root().resolve("sets/" + id + "/" + victim);
    byte[] pristine = Files.readAllBytes(file);
    Random random = new Random(42);
    List<String> undetected = new ArrayList<>();
    int trials = 0;

    for (int t = 0; t < 2 * TRIALS; t++) {
      byte[] damaged;
      String what;
      if (t < TRIALS) {
        int bit = random.nextInt(pristine.length * 8);
        damaged = pristine.clone();
        damaged[bit / 8] ^= (byte) (1 << (bit % 8));
        what = "flip of bit " + bit;
      } else {
        int length = random.nextInt(pristine.length);
        damaged = java.util.Arrays.copyOf(pristine, length);
        what = "truncation to " + length;
      }
      Files.write(file, damaged);
      trials++;

      Throwable onVerify =
          catchThrowable(
              () -> {
                BackupCatalog catalog =
                    enc == null
                        ? BackupCatalog.of(sink)
                        : BackupCatalog.builder(sink).encryption(enc).build();
                if (catalog.verify(id).ok()) {
                  throw new AssertionError("verify passed");
                }
              });
      if (!(onVerify == null || onVerify instanceof BackupException)) {
        undetected.add(what + ": verify " + onVerify);
      }
      Path out = tmp.resolve("out");
      Throwable onRestore =
          catchThrowable(
              () ->
                  RestorePlan.builder(sink)
                      .set(id)
                      .encryption(enc)
                      .volume("v", out)
                      .build()
                      .execute());
      if (!(onRestore instanceof IntegrityException || onRestore instanceof KeyException)) {
        undetected.add(what + ": restore " + onRestore);
      }
      if (Files.exists(out)) {
        undetected.add(what + ": restore wrote " + out);
        TestFiles.deleteTree(out);
      }
    }
    Files.write(file, pristine);

    assertThat(undetected).as(victim + " undetected of " + trials).isEmpty();
    assertThat(trials).isEqualTo(2 * TRIALS);
    assertThat(BackupCatalog.of(sink).verify(id).ok()).isTrue();
  }

  /**
   * The chunk layer on its own, as if an attacker had also fixed the manifest's sizes and hashes:
   * flips, truncations, appended bytes and swapped chunks all fail authentication.
   */
  @Test
  void encryptedStream_anyDamage_failsAuthentication() throws Exception {
    SetKeys keys = SetKeys.create(EncryptionTest.KEY, "20260101T000000.000Z-abcdef").keys();
    Random random = new Random(7);
    int[] sizes = {0, 1, 65_535, 65_536, 65_537, 3 * 65_536, 200_001};
    int detected = 0;
    int trials = 0;
    for (int size : sizes) {
      byte[] plain = new byte[size];
      random.nextBytes(plain);
      ByteArrayOutputStream sealed = new ByteArrayOutputStream();
      try (OutputStream out = new EncryptingOutputStream(sealed, keys, "k/a.bin")) {
        out.write(plain);
      }
      byte[] pristine = sealed.toByteArray();
      assertThat(decrypt(pristine, keys, "k/a.bin")).isEqualTo(plain);
      assertThat(catchThrowable(() -> decrypt(pristine, keys, "k/b.bin")))
          .as("moved to another path")
          .isInstanceOf(IntegrityException.class);
      for (int t = 0; t < TRIALS; t++) {
        byte[] damaged;
        switch (t % 4) {
          case 0, 1 -> {
            damaged = pristine.clone();
            int bit = random.nextInt(pristine.length * 8);
            damaged[bit / 8] ^= (byte) (1 << (bit % 8));
          }
          case 2 -> damaged = java.util.Arrays.copyOf(pristine, random.nextInt(pristine.length));
          default -> {
            damaged = java.util.Arrays.copyOf(pristine, pristine.length + 1 + random.nextInt(40));
          }
        }
        trials++;
        byte[] d = damaged;
        if (catchThrowable(() -> decrypt(d, keys, "k/a.bin")) instanceof IntegrityException) {
          detected++;
        }
      }
      if (size > 2 * 65_536) {
        // swap chunks 0 and 1: both are full, so lengths match
        int c = 65_536 + 16;
        byte[] swapped = pristine.clone();
        System.arraycopy(pristine, 16, swapped, 16 + c, c);
        System.arraycopy(pristine, 16 + c, swapped, 16, c);
        trials++;
        if (catchThrowable(() -> decrypt(swapped, keys, "k/a.bin")) instanceof IntegrityException) {
          detected++;
        }
        // drop the last chunk: the one before was not sealed as last
        int whole = 16 + (size / 65_536) * c;
        byte[] dropped = java.util.Arrays.copyOf(pristine, size % 65_536 == 0 ? whole - c : whole);
        trials++;
        if (catchThrowable(() -> decrypt(dropped, keys, "k/a.bin")) instanceof IntegrityException) {
          detected++;
        }
      }
    }
    assertThat(detected).isEqualTo(trials);
    assertThat(trials).isGreaterThanOrEqualTo(sizes.length * TRIALS);
  }

  private static byte[] decrypt(byte[] sealed, SetKeys keys, String path) throws IOException {
    try (DecryptingInputStream in =
        new DecryptingInputStream(new ByteArrayInputStream(sealed), keys, path)) {
      return in.readAllBytes();
    }
  }

  static final class TestFiles {
    static void deleteTree(Path root) throws IOException {
      try (Stream<Path> s = Files.walk(root)) {
        for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }
}
