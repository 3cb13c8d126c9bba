package com.avnology.backup.s3;

import static com.avnology.backup.s3.BucketTargetTest.put;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.BackupException;
import com.avnology.backup.s3.testing.S3Server;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan (dry run) carries the mass-delete guard's verdict, the same one the real run gives. */
final class MirrorPlanTest {
  @TempDir static Path dir;
  static S3Server server;

  @BeforeAll
  static void start() {
    server = S3Server.start(dir);
    BucketTargetTest.client = server.client();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void plan_runTheGuardWouldRefuse_isRefusedWithTheRunsMessage_andChangesNothing()
      throws Exception {
    String src = server.bucket("plan-src");
    String dst = server.bucket("plan-dst");
    put(src, "keep.txt", "k".getBytes(UTF_8), "text/plain", Map.of());
    put(dst, "keep.txt", "k".getBytes(UTF_8), "text/plain", Map.of());
    for (int i = 0; i < 3; i++) {
      put(dst, "extra-" + i, "e".getBytes(UTF_8), "text/plain", Map.of());
    }
    BucketMirror mirror =
        BucketMirror.builder(server.async(), src, server.async(), dst).remove(true).build();

    MirrorPlan plan = mirror.plan();

    assertThat(plan.refused()).isTrue();
    assertThat(plan.removals()).isEqualTo(3);
    assertThat(plan.destinationCount()).isEqualTo(4);
    assertThat(plan.actions())
        .extracting(MirrorAction::key)
        .containsExactly("extra-0", "extra-1", "extra-2");
    assertThatThrownBy(mirror::run)
        .isInstanceOf(BackupException.class)
        .hasMessage(plan.refusal().orElseThrow());
    assertThat(S3SinkTest.keys(server.client(), dst)).hasSize(4);
  }

  @Test
  void plan_forcedOrWithinTheShare_isNotRefused() throws Exception {
    String src = server.bucket("ok-src");
    String dst = server.bucket("ok-dst");
    put(src, "a.txt", "a".getBytes(UTF_8), "text/plain", Map.of());
    put(dst, "gone.txt", "g".getBytes(UTF_8), "text/plain", Map.of());

    BucketMirror.Builder builder =
        BucketMirror.builder(server.async(), src, server.async(), dst).remove(true);
    assertThat(builder.build().plan().refused()).as("1 of 1 removed: refused").isTrue();
    MirrorPlan forced = builder.force(true).build().plan();
    assertThat(forced.refused()).isFalse();
    assertThat(forced.refusal()).isEmpty();
    assertThat(forced.removals()).isEqualTo(1);
  }
}
