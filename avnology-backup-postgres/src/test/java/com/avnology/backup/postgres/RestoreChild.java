package com.avnology.backup.postgres;

import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestoreInterruptedException;
import com.avnology.backup.RestorePlan;
import java.nio.file.Path;

/**
 * A restore in a process of its own, for tests that signal or kill it: {@code sinkDir setId jdbcUrl
 * mode clean jobs}. Prints {@code RESULT ok}, {@code RESULT interrupted unchanged=B message} or
 * {@code RESULT failed message}.
 */
public final class RestoreChild {
  private RestoreChild() {}

  /**
   * Runs the restore.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) {
    PostgresTarget.Builder target =
        PostgresTarget.builder(args[2])
            .restoreMode(RestoreMode.valueOf(args[3]))
            .jobs(Integer.parseInt(args[5]));
    if (Boolean.parseBoolean(args[4])) {
      target.clean();
    }
    // like the CLI: a shutdown waits for the outcome to be printed
    java.util.concurrent.CountDownLatch printed = new java.util.concurrent.CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    printed.await(6, java.util.concurrent.TimeUnit.MINUTES);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    System.out.println("STARTED");
    System.out.flush();
    try {
      RestorePlan.builder(FileSystemSink.of(Path.of(args[0])))
          .set(args[1])
          .target(target.build())
          .build()
          .execute();
      System.out.println("RESULT ok");
    } catch (RestoreInterruptedException e) {
      System.out.println(
          "RESULT interrupted unchanged=" + e.destinationUnchanged() + " " + e.getMessage());
    } catch (RuntimeException e) {
      System.out.println("RESULT failed " + e);
    }
    System.out.flush();
    printed.countDown();
  }
}
