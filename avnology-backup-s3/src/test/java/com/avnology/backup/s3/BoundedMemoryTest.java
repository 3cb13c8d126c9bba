package com.avnology.backup.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.BackupSink;
import com.avnology.backup.s3.testing.S3Server;
import io.minio.StatObjectArgs;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 1 GiB artifact streams to S3 from a JVM limited to {@code -Xmx128m}. */
final class BoundedMemoryTest {
  static final String SET = "20260101T000000.000Z-0a0b0c";
  static final long SIZE = 1L << 30;

  @TempDir Path tmp;

  /** Entry point of the forked JVM: {@code args[0]} endpoint, {@code args[1]} bucket. */
  public static void main(String[] args) throws Exception {
    try (S3Sink sink =
        S3Sink.builder(URI.create(args[0]), args[1])
            .credentials(S3Credentials.of(S3Server.ACCESS_KEY, S3Server.SECRET_KEY))
            .build()) {
      BackupSink.SetWriter writer = sink.create(SET);
      byte[] block = new byte[1 << 20];
      new Random(1).nextBytes(block);
      try (OutputStream out = writer.artifact("big/one.bin")) {
        for (long done = 0; done < SIZE; done += block.length) {
          out.write(block);
        }
      }
      writer.publish("{}".getBytes(UTF_8));
    }
    System.out.println("max heap " + Runtime.getRuntime().maxMemory());
  }

  @Test
  void artifact_1GiB_uploadsUnderXmx128m() throws Exception {
    try (S3Server server = S3Server.start(tmp.resolve("s3"))) {
      String bucket = server.bucket("big");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Path log = tmp.resolve("child.log");
      Process child =
          new ProcessBuilder(
                  List.of(
                      java,
                      "-Xmx128m",
                      "-Djava.io.tmpdir=" + tmp,
                      "-cp",
                      System.getProperty("java.class.path"),
                      BoundedMemoryTest.class.getName(),
                      server.endpoint().toString(),
                      bucket))
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();

      assertThat(child.waitFor(8, TimeUnit.MINUTES)).as("child finished").isTrue();
      assertThat(child.exitValue()).as(Files.readString(log)).isZero();
      assertThat(Files.readString(log)).contains("max heap");
      assertThat(
              server
                  .client()
                  .statObject(
                      StatObjectArgs.builder()
                          .bucket(bucket)
                          .object("sets/" + SET + "/big/one.bin")
                          .build())
                  .size())
          .isEqualTo(SIZE);
    }
  }
}
