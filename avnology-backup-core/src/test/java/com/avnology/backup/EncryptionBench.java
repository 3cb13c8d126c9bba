package com.avnology.backup;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Not a test: times backups of a 1 GiB volume with and without encryption. Run by hand: {@code java
 * -cp ... com.avnology.backup.EncryptionBench /tmp/bench}.
 */
public final class EncryptionBench {
  private EncryptionBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    Path volume = Files.createDirectories(dir.resolve("v"));
    Path file = volume.resolve("data.bin");
    if (!Files.exists(file)) {
      Random random = new Random(1);
      byte[] block = new byte[1 << 20];
      try (OutputStream out = Files.newOutputStream(file)) {
        for (int i = 0; i < 1024; i++) {
          random.nextBytes(block);
          java.util.Arrays.fill(block, 0, block.length / 2, (byte) 'x'); // half compressible
          out.write(block);
        }
      }
    }
    Encryption enc = Encryption.aes256Gcm(KeySource.raw(new byte[32]));
    for (String compression : new String[] {"none", "zstd:3"}) {
      for (int round = 0; round < 3; round++) {
        for (Encryption e : new Encryption[] {null, enc}) {
          FileSystemSink sink = FileSystemSink.of(dir.resolve("sink"));
          long start = System.nanoTime();
          BackupResult r =
              Backup.builder()
                  .target(VolumeTarget.of("v", volume))
                  .sink(sink)
                  .compression(Compression.parse(compression))
                  .encryption(e)
                  .build()
                  .run();
          long backupMs = (System.nanoTime() - start) / 1_000_000;
          start = System.nanoTime();
          Path out = dir.resolve("out");
          RestorePlan.builder(sink).set(r.setId()).encryption(e).volume("v", out).build().execute();
          long restoreMs = (System.nanoTime() - start) / 1_000_000;
          System.out.printf(
              "%s round %d %-9s backup %5d ms  restore %5d ms  stored %d%n",
              compression,
              round,
              e == null ? "plain" : "encrypted",
              backupMs,
              restoreMs,
              r.targets().get(0).artifacts().get(0).size());
          BackupCatalog.of(sink).delete(r.setId());
          com.avnology.backup.internal.TreeDeleter.delete(out);
        }
      }
    }
  }
}
