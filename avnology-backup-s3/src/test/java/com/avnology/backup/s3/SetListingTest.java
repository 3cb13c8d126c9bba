package com.avnology.backup.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Compression;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.internal.Names;
import com.avnology.backup.s3.testing.S3Server;
import com.avnology.backup.s3.testing.WatchingStore;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.io.IOException;
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
 * Listing a sink's sets, and the sweep of dead runs' leftovers at the start of a backup, ask the
 * server for the sets' prefixes and their manifests, not for every object of every set: a database
 * of many tables makes hundreds of artifacts per set, and a month of sets made every listing, so
 * every backup, restore and prune, read tens of thousands of keys.
 */
final class SetListingTest {
  private static final int ARTIFACTS = 30;

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

  @Test
  void listAndSweep_readTheSetsPrefixesAndManifests_notEveryObject() throws Exception {
    String bucket = server.bucket("listing");
    S3Sink sink =
        S3Sink.builder(server.endpoint(), bucket)
            .credentials(S3Credentials.of(S3Server.ACCESS_KEY, S3Server.SECRET_KEY))
            .build();
    List<String> published = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      published.add(0, Backup.builder().target(new Many()).sink(sink).build().run().setId());
    }
    // what killed runs left: one two hours ago (stale), one a minute ago (maybe still running)
    String stale = Names.newSetId(Instant.now().minus(Duration.ofHours(2)));
    String recent = Names.newSetId(Instant.now().minus(Duration.ofMinutes(1)));
    for (String id : List.of(stale, recent)) {
      for (String name : List.of("many/a", "many/b")) {
        byte[] body = name.getBytes(UTF_8);
        server
            .client()
            .putObject(
                PutObjectArgs.builder().bucket(bucket).object("sets/" + id + "/" + name).stream(
                        new ByteArrayInputStream(body), body.length, -1)
                    .build());
      }
    }

    store.listed.set(0);
    assertThat(sink.list()).containsExactlyElementsOf(published);
    assertThat(store.listed.get())
        .as("entries the server listed: the 5 sets' prefixes, not their %d objects", 3 * 31 + 4)
        .isLessThanOrEqualTo(5);

    store.listed.set(0);
    String next = Backup.builder().target(new Many()).sink(sink).build().run().setId();
    assertThat(store.listed.get())
        .as(
            "entries the backup's listings returned: the sets' prefixes and the stale set's 2"
                + " objects, not the %d objects of every set",
            3 * 31 + 4)
        .isLessThan(20);
    assertThat(S3SinkTest.keys(server.client(), bucket))
        .as("the stale unpublished set is swept, the recent one left alone")
        .noneMatch(k -> k.startsWith("sets/" + stale + "/"))
        .anyMatch(k -> k.startsWith("sets/" + recent + "/"));
    assertThat(sink.list()).first().isEqualTo(next);
  }

  /** Writes {@link #ARTIFACTS} small artifacts. */
  private static final class Many implements BackupTarget {
    @Override
    public String kind() {
      return "test";
    }

    @Override
    public String name() {
      return "many";
    }

    @Override
    public void backup(BackupContext context) {
      try {
        for (int i = 0; i < ARTIFACTS; i++) {
          try (OutputStream out =
              context.artifact(String.format("many/%02d", i), Compression.Algorithm.NONE)) {
            out.write(("artifact " + i).getBytes(UTF_8));
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
