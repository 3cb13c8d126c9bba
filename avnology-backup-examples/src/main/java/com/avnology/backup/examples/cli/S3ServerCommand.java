package com.avnology.backup.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code avnology-backup s3-server}: an S3 server (S3Proxy) on a local directory, for trying the
 * tool and for the benchmark. Prints its endpoint, then serves until SIGTERM or SIGINT.
 */
@Command(
    addMethodSubcommands = false,
    name = "s3-server",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Serves a directory over S3 (S3Proxy) until killed; credentials are printed.")
final class S3ServerCommand implements Callable<Integer> {
  @Option(names = "--dir", required = true, description = "Where objects are kept")
  Path dir;

  @Option(names = "--bucket", description = "Buckets to create (repeatable)")
  String[] buckets = new String[0];

  @Override
  public Integer call() throws Exception {
    DemoJar.require("s3-server");
    try (EmbeddedS3 s3 = new EmbeddedS3(Files.createDirectories(dir))) {
      for (String b : buckets) {
        s3.bucket(b);
      }
      System.out.println("endpoint=" + s3.endpoint());
      System.out.println("AWS_ACCESS_KEY_ID=" + s3.accessKey);
      System.out.println("AWS_SECRET_ACCESS_KEY=" + s3.secretKey);
      System.out.flush();
      // Serves until the JVM shuts down (SIGTERM, SIGINT): the CLI's own shutdown hook waits for
      // this command to return, so the server must stop then rather than wait for ever.
      java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "avnology-s3-server-stop"));
      stop.await();
    }
    return 0;
  }
}
