package com.avnology.backup.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupSink;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Compression;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.s3.testing.S3Server;
import com.avnology.backup.s3.testing.WatchingStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Small artifacts are PUT in the background, side by side, while the backup writes on: a set of
 * many small artifacts (a database of many tables) no longer waits for one round trip after the
 * other. The manifest still comes last, and a PUT that fails in the background fails the backup.
 */
final class BackgroundPutsTest {
  private static final int ARTIFACTS = 16;

  @TempDir Path tmp;
  S3Server server;
  WatchingStore store;

  @BeforeEach
  void start() {
    server = S3Server.start(tmp.resolve("s3"), real -> store = new WatchingStore(real));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private S3Sink sink(String bucket) {
    return S3Sink.builder(server.endpoint(), server.bucket(bucket))
        .credentials(S3Credentials.of(S3Server.ACCESS_KEY, S3Server.SECRET_KEY))
        .retry(RetryPolicy.builder().retries(1).baseDelay(Duration.ofMillis(20)).build())
        .build();
  }

  @Test
  void smallArtifacts_arePutSideBySide_andTheManifestOnlyOnceAllAreStored() throws IOException {
    S3Sink sink = sink("side-by-side");
    store.delay = Duration.ofMillis(150);

    String id = Backup.builder().target(new Small()).sink(sink).build().run().setId();

    assertThat(store.most.get())
        .as("PUTs at once, from a target writing one artifact after the other")
        .isGreaterThan(1);
    int manifest = store.started.indexOf("sets/" + id + "/" + BackupSink.MANIFEST);
    assertThat(manifest).as("the manifest was written").isNotNegative();
    assertThat(store.endedBefore.get(manifest))
        .as("artifact PUTs ended before the manifest's began")
        .isEqualTo(ARTIFACTS);
    try (BackupSink.SetReader reader = sink.open(id)) {
      for (int i = 0; i < ARTIFACTS; i++) {
        try (InputStream in = reader.artifact("test/" + Small.path(i))) {
          assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo(Small.content(i));
        }
      }
    }
  }

  @Test
  void aBackgroundPutThatFails_failsTheBackup_andNothingIsPublished() {
    S3Sink sink = sink("refusing");
    store.refuse = Small.path(7);

    assertThatThrownBy(Backup.builder().target(new Small()).sink(sink).build()::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(Small.path(7));

    assertThat(sink.list()).as("no set is listed").isEmpty();
    assertThat(S3SinkTest.keys(server.client(), "refusing"))
        .as("the aborted set's artifacts are deleted, the manifest never written")
        .noneMatch(k -> k.startsWith("sets/"));
  }

  /** Writes {@link #ARTIFACTS} artifacts of a few bytes, one after the other, on one thread. */
  private static final class Small implements BackupTarget {
    static String path(int i) {
      return String.format("small/%02d", i);
    }

    static String content(int i) {
      return "artifact " + i;
    }

    @Override
    public String kind() {
      return "test";
    }

    @Override
    public String name() {
      return "small";
    }

    @Override
    public void backup(BackupContext context) {
      try {
        for (int i = 0; i < ARTIFACTS; i++) {
          try (OutputStream out = context.artifact(path(i), Compression.Algorithm.NONE)) {
            out.write(content(i).getBytes(UTF_8));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void restore(RestoreContext context) {}
  }
}
