package com.avnology.backup.s3;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Random;

/** Test trees: nested folders, unicode names, modes, a symlink, an empty file, a big file. */
final class Trees {
  private Trees() {}

  static void build(Path root, long bigSize) throws IOException {
    Files.createDirectories(root.resolve("a/b/c"));
    Files.createDirectories(root.resolve("empty-dir"));
    Files.writeString(root.resolve("a/b/c/deep.txt"), "deep\n");
    Files.createFile(root.resolve("empty.txt"));
    Files.writeString(root.resolve("a/ünïcødé-名前.pem"), "unicode", StandardCharsets.UTF_8);
    Path key = Files.writeString(root.resolve("a/b/key.pem"), "-----BEGIN KEY-----\n");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    Files.createSymbolicLink(root.resolve("live.pem"), Path.of("a/b/key.pem"));
    try (OutputStream out = Files.newOutputStream(root.resolve("a/big.bin"))) {
      Random random = new Random(42);
      byte[] block = new byte[1 << 16];
      for (long left = bigSize; left > 0; left -= block.length) {
        random.nextBytes(block);
        java.util.Arrays.fill(block, 0, block.length / 2, (byte) 'x');
        out.write(block, 0, (int) Math.min(block.length, left));
      }
    }
    // tar keeps mtimes in 100 ns units: whole seconds compare exactly
    Instant t = Instant.parse("2021-03-04T05:06:07Z");
    try (java.util.stream.Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!Files.isSymbolicLink(p)) {
          Files.setLastModifiedTime(p, FileTime.from(t));
          t = t.plusSeconds(61);
        }
      }
    }
  }
}
