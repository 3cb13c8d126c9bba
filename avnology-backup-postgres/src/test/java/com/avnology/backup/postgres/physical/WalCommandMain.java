package com.avnology.backup.postgres.physical;

import com.avnology.backup.FileSystemSink;
import java.nio.file.Path;

/**
 * What the test servers run as archive_command and restore_command: {@code push PATH SINKDIR} and
 * {@code get NAME DEST SINKDIR}, through the library, exiting 1 when a file is absent.
 */
public final class WalCommandMain {
  private WalCommandMain() {}

  public static void main(String[] args) {
    try {
      if (args[0].equals("push")) {
        WalArchive.of(FileSystemSink.of(Path.of(args[2]))).push(Path.of(args[1]));
        System.exit(0);
      }
      boolean found =
          WalArchive.of(FileSystemSink.of(Path.of(args[3]))).get(args[1], Path.of(args[2]));
      System.exit(found ? 0 : 1);
    } catch (RuntimeException e) {
      System.err.println("wal command failed: " + e);
      System.exit(2);
    }
  }
}
