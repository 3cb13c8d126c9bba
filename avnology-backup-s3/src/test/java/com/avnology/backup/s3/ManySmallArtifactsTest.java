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
import com.avnology.backup.internal.Names;
import com.avnology.backup.s3.testing.S3Server;
import com.avnology.backup.s3.testing.WatchingStore;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sets of many small artifacts on S3, as a database of many tables makes (hundreds per set):
 *
 * <ul>
 *   <li>small artifacts are PUT in the background, side by side, while the backup writes on, not
 *       one round trip after the other; the manifest still comes last, and a PUT that fails in the
 *       background fails the backup;
 *   <li>listing the sets, and the sweep of dead runs' leftovers at the start of a backup, ask the
 *       server for the sets' prefixes and their manifests, not for every object of every set (a
 *       month of sets made every backup, restore and prune read tens of thousands of keys).
 * </ul>
 */
final class ManySmallArtifactsTest {
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

  private static String backUp(S3Sink sink) {
    return Backup.builder().target(new Small()).sink(sink).build().run().setId();
  }

  @Test
  void smallArtifacts_arePutSideBySide_andTheManifestOnlyOnceAllAreStored() throws IOException {
    S3Sink sink = sink("side-by-side");
    store.delay = Duration.ofMillis(150);

    String id = backUp(sink);

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

    assertThatThrownBy(() -> backUp(sink))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining(Small.path(7));

    assertThat(sink.list()).as("no set is listed").isEmpty();
    assertThat(S3SinkTest.keys(server.client(), "refusing"))
        .as("the aborted set's artifacts are deleted, the manifest never written")
        .noneMatch(k -> k.startsWith("sets/"));
  }

  @Test
  void listAndSweep_readTheSetsPrefixesAndManifests_notEveryObject() throws Exception {
    S3Sink sink = sink("listing");
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      published.add(0, backUp(sink));
    }
    // what killed runs left: one two hours ago (stale), one a minute ago (maybe still running)
    String stale = Names.newSetId(Instant.now().minus(Duration.ofHours(2)));
    String recent = Names.newSetId(Instant.now().minus(Duration.ofMinutes(1)));
    for (String id : List.of(stale, recent)) {
      for (String name : List.of("small/a", "small/b")) {
        byte[] body = name.getBytes(UTF_8);
        server
            .client()
            .putObject(
                PutObjectArgs.builder().bucket("listing").object("sets/" + id + "/" + name).stream(
                        new ByteArrayInputStream(body), body.length, -1)
                    .build());
      }
    }
    int everyObject = 3 * (ARTIFACTS + 1) + 4;

    store.listed.set(0);
    assertThat(sink.list()).containsExactlyElementsOf(published);
    assertThat(store.listed.get())
        .as("entries the server listed: the 5 sets' prefixes, not their %d objects", everyObject)
        .isLessThanOrEqualTo(5);

    store.listed.set(0);
    String next = backUp(sink);
    assertThat(store.listed.get())
        .as(
            "entries the backup's listings returned: the sets' prefixes and the stale set's 2"
                + " objects, not the %d objects of every set",
            everyObject)
        .isLessThan(everyObject / 3);
    assertThat(S3SinkTest.keys(server.client(), "listing"))
        .as("the stale unpublished set is swept, the recent one left alone")
        .noneMatch(k -> k.startsWith("sets/" + stale + "/"))
        .anyMatch(k -> k.startsWith("sets/" + recent + "/"));
    assertThat(sink.list()).first().isEqualTo(next);
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
