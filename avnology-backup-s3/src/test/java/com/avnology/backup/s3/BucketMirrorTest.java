package com.avnology.backup.s3;

import static com.avnology.backup.s3.BucketTargetTest.get;
import static com.avnology.backup.s3.BucketTargetTest.put;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.BackupException;
import com.avnology.backup.s3.testing.S3Server;
import io.minio.MinioClient;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two S3Proxy servers: the mirror crosses endpoints. */
final class BucketMirrorTest {
  @TempDir static Path dirA;
  @TempDir static Path dirB;
  static S3Server serverA;
  static S3Server serverB;
  static MinioClient a;
  static MinioClient b;
  static io.minio.MinioAsyncClient asyncA;
  static io.minio.MinioAsyncClient asyncB;
  static int n;

  @BeforeAll
  static void start() {
    serverA = S3Server.start(dirA);
    serverB = S3Server.start(dirB);
    a = serverA.client();
    b = serverB.client();
    asyncA = serverA.async();
    asyncB = serverB.async();
    BucketTargetTest.client = a; // put/get helpers
  }

  @AfterAll
  static void stop() {
    serverA.close();
    serverB.close();
  }

  private static void putB(String bucket, String key, String data) throws Exception {
    MinioClient saved = BucketTargetTest.client;
    BucketTargetTest.client = b;
    try {
      put(bucket, key, data.getBytes(UTF_8), "text/plain", Map.of());
    } finally {
      BucketTargetTest.client = saved;
    }
  }

  @Test
  void mirror_withRemove_makesBucketsIdenticalThenSecondRunTransfersNothing() throws Exception {
    String src = serverA.bucket("src-" + ++n);
    String dst = serverB.bucket("dst-" + n);
    put(src, "a.txt", "aaaa".getBytes(UTF_8), "text/plain", Map.of("color", "red"));
    put(src, "dir/big.bin", S3SinkTest.bytes(6 << 20, 7), "application/octet-stream", Map.of());
    put(src, "same-size.txt", "new!".getBytes(UTF_8), "text/plain", Map.of());
    for (int i = 0; i < 20; i++) {
      put(src, "many/" + i, ("v" + i).getBytes(UTF_8), "text/plain", Map.of());
    }
    putB(dst, "same-size.txt", "old!"); // same size, different bytes (mc#3060)
    putB(dst, "stale.txt", "gone soon");

    BucketMirror mirror =
        BucketMirror.builder(asyncA, src, asyncB, dst)
            .overwrite(true)
            .remove(true)
            .parallelism(3)
            .build();
    MirrorResult first = mirror.run();
    MirrorResult second = mirror.run();

    assertThat(first.copied()).isEqualTo(23);
    assertThat(first.removed()).isEqualTo(1);
    assertThat(first.bytes()).isEqualTo(4 + (6 << 20) + 4 + 20 * 2 + 10 * 1);
    assertThat(S3SinkTest.keys(b, dst))
        .containsExactlyInAnyOrderElementsOf(S3SinkTest.keys(a, src));
    MinioClient saved = BucketTargetTest.client;
    BucketTargetTest.client = b;
    assertThat(get(dst, "same-size.txt")).isEqualTo("new!".getBytes(UTF_8));
    assertThat(BucketTargetTest.stat(dst, "a.txt").userMetadata()).containsEntry("color", "red");
    assertThat(BucketTargetTest.stat(dst, "a.txt").contentType()).isEqualTo("text/plain");
    BucketTargetTest.client = saved;
    assertThat(second.copied()).isZero();
    assertThat(second.removed()).isZero();
    assertThat(second.bytes()).isZero();
    assertThat(second.skipped()).isEqualTo(23);
  }

  @Test
  void mirror_withoutOverwrite_keepsDifferingObjectAndReportsIt() throws Exception {
    String src = serverA.bucket("src-" + ++n);
    String dst = serverB.bucket("dst-" + n);
    put(src, "x.txt", "new!".getBytes(UTF_8), "text/plain", Map.of());
    putB(dst, "x.txt", "old!");

    MirrorResult r = BucketMirror.builder(asyncA, src, asyncB, dst).build().run();

    assertThat(r.kept()).containsExactly("x.txt");
    assertThat(r.copied()).isZero();
    BucketTargetTest.client = b;
    assertThat(get(dst, "x.txt")).isEqualTo("old!".getBytes(UTF_8));
    BucketTargetTest.client = a;
  }

  @Test
  void mirror_removingMostOfDestination_refusesUnlessForced() throws Exception {
    String src = serverA.bucket("src-" + ++n);
    String dst = serverB.bucket("dst-" + n);
    put(src, "keep.txt", "k".getBytes(UTF_8), "text/plain", Map.of());
    putB(dst, "keep.txt", "k");
    for (int i = 0; i < 3; i++) {
      putB(dst, "extra-" + i, "e");
    }
    BucketMirror.Builder builder = BucketMirror.builder(asyncA, src, asyncB, dst).remove(true);

    assertThatThrownBy(() -> builder.build().run())
        .isInstanceOf(BackupException.class)
        .hasMessage(
            "mirror s3://"
                + src
                + "/ -> s3://"
                + dst
                + "/ would remove 3 of the 4"
                + " objects in the destination (75%), more than the 50% allowed; nothing was done."
                + " Check the source, or call force(true) to remove them");
    assertThat(S3SinkTest.keys(b, dst)).hasSize(4);

    assertThat(builder.maxRemoveShare(0.8).build().run().removed()).isEqualTo(3);
    assertThat(S3SinkTest.keys(b, dst)).containsExactly("keep.txt");
  }

  @Test
  void dryRun_listsPlannedActionsAndChangesNothing() throws Exception {
    String src = serverA.bucket("src-" + ++n);
    String dst = serverB.bucket("dst-" + n);
    put(src, "new.txt", "n".getBytes(UTF_8), "text/plain", Map.of());
    put(src, "changed.txt", "abcd".getBytes(UTF_8), "text/plain", Map.of());
    putB(dst, "changed.txt", "abce");
    putB(dst, "only-dst.txt", "o");
    putB(dst, "x1", "o");
    putB(dst, "x2", "o");

    var plan =
        BucketMirror.builder(asyncA, src, asyncB, dst)
            .overwrite(true)
            .remove(true)
            .build()
            .dryRun();

    assertThat(plan)
        .containsExactly(
            new MirrorAction(MirrorAction.Type.COPY, "changed.txt", 4, "checksum differs"),
            new MirrorAction(MirrorAction.Type.COPY, "new.txt", 1, "missing"),
            new MirrorAction(MirrorAction.Type.REMOVE, "only-dst.txt", 1, "not in source"),
            new MirrorAction(MirrorAction.Type.REMOVE, "x1", 1, "not in source"),
            new MirrorAction(MirrorAction.Type.REMOVE, "x2", 1, "not in source"));
    assertThat(S3SinkTest.keys(b, dst))
        .containsExactlyInAnyOrder("changed.txt", "only-dst.txt", "x1", "x2");
  }

  @Test
  void builder_badValues_areRefused() {
    assertThatThrownBy(() -> BucketMirror.builder(asyncA, "s12", asyncB, "d12").maxRemoveShare(1.5))
        .hasMessage("max remove share must be between 0 and 1: 1.5");
    assertThatThrownBy(() -> BucketMirror.builder(asyncA, "s12", asyncB, "d12").parallelism(0))
        .hasMessage("parallelism must be between 1 and 64: 0");
    assertThatThrownBy(() -> BucketMirror.builder(asyncA, "s12", asyncA, "s12").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "source and target are the same: s3://s12/; name another target bucket or"
                + " targetPrefix");
    // the target holds the source: remove(true) would delete the source's own objects
    assertThatThrownBy(
            () ->
                BucketMirror.builder(asyncA, "s12", asyncA, "s12")
                    .sourcePrefix("data/")
                    .remove(true)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("source s3://s12/data/ and target s3://s12/ overlap");
    assertThatThrownBy(
            () -> BucketMirror.builder(asyncA, "s12", asyncA, "s12").targetPrefix("copy/").build())
        .hasMessageContaining("overlap");
    BucketMirror.builder(asyncA, "s12", asyncA, "s12")
        .sourcePrefix("a/")
        .targetPrefix("b/")
        .build(); // side by side is fine
  }
}
