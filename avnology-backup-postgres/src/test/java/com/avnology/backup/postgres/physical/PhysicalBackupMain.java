package com.avnology.backup.postgres.physical;

import com.avnology.backup.Backup;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import java.nio.file.Path;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A full physical backup in its own JVM, as the CLI's {@code backup --data-dir} runs: {@code
 * JDBCURL DATADIR SINKDIR}. Prints {@code set=<id> heap=<max heap bytes>}; a failure exits 2.
 */
public final class PhysicalBackupMain {
  private PhysicalBackupMain() {}

  public static void main(String[] args) {
    try {
      PGSimpleDataSource source = new PGSimpleDataSource();
      source.setUrl(args[0]);
      String id =
          Backup.builder()
              .target(PhysicalTarget.builder(source, Path.of(args[1])).build())
              .sink(FileSystemSink.of(Path.of(args[2])))
              .compression(Compression.zstd(1))
              .build()
              .run()
              .setId();
      System.out.println("set=" + id + " heap=" + Runtime.getRuntime().maxMemory());
      System.exit(0);
    } catch (RuntimeException | Error e) {
      e.printStackTrace();
      System.exit(2);
    }
  }
}
