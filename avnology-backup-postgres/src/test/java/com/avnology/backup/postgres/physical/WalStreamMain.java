package com.avnology.backup.postgres.physical;

import com.avnology.backup.FileSystemSink;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A streamer in its own JVM, as {@code wal-stream} runs: {@code URL SINKDIR SLOT sync|async}.
 * SIGTERM stops it cleanly (partial stored, exit 0); a failure exits 2.
 */
public final class WalStreamMain {
  private WalStreamMain() {}

  public static void main(String[] args) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.set(true);
                  try {
                    done.await();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    int code = 0;
    try {
      WalStreamer.Result r =
          WalStreamer.builder(args[0], WalArchive.of(FileSystemSink.of(Path.of(args[1]))))
              .slot(args[2])
              .createSlot(true)
              .synchronous(args[3].equals("sync"))
              .build()
              .run(stop::get);
      System.out.println("stopped " + r);
    } catch (RuntimeException e) {
      System.err.println("wal stream failed: " + e);
      code = 2;
    }
    System.out.flush();
    if (stop.get()) {
      Runtime.getRuntime().halt(code); // the hook holds the shutdown; exit() would block
    }
    done.countDown();
    System.exit(code);
  }
}
