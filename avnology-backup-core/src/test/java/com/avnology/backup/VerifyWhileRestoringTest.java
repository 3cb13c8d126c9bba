package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets that verify while restoring skip the separate pass only at the head of a plan; the
 * targets after them are still checked before anything is written.
 */
final class VerifyWhileRestoringTest {
  @TempDir Path tmp;
  private FileSystemSink sink;
  private String setId;
  private Path volume;

  /** Copies one artifact into a list of restored bytes; reads it whole, as the contract asks. */
  static final class StreamTarget implements BackupTarget {
    final List<byte[]> restored = new ArrayList<>();
    final List<Throwable> failures = new ArrayList<>();
    private final boolean verifiesWhileRestoring;

    StreamTarget(boolean verifiesWhileRestoring) {
      this.verifiesWhileRestoring = verifiesWhileRestoring;
    }

    @Override
    public String kind() {
      return "stream";
    }

    @Override
    public String name() {
      return "s";
    }

    @Override
    public void backup(BackupContext context) {
      try (OutputStream out = context.artifact("s.bin", Compression.Algorithm.NONE)) {
        out.write(new byte[1 << 20]);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public void restore(RestoreContext context) {
      try (InputStream in = context.open("s.bin")) {
        restored.add(in.readAllBytes());
      } catch (IOException | RuntimeException e) {
        failures.add(e);
        throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
      }
    }

    @Override
    public boolean verifiesWhileRestoring() {
      return verifiesWhileRestoring;
    }
  }

  /** A volume that claims to verify while restoring, as a second self-verifying target. */
  record SelfVerifyingVolume(VolumeTarget volume) implements BackupTarget {
    @Override
    public String kind() {
      return volume.kind();
    }

    @Override
    public String name() {
      return volume.name();
    }

    @Override
    public void backup(BackupContext context) {
      volume.backup(context);
    }

    @Override
    public void restore(RestoreContext context) {
      volume.restore(context);
    }

    @Override
    public boolean verifiesWhileRestoring() {
      return true;
    }
  }

  @BeforeEach
  void backup() throws IOException {
    volume = Files.createDirectories(tmp.resolve("v"));
    Files.writeString(volume.resolve("cert.pem"), "-----BEGIN CERTIFICATE-----");
    sink = FileSystemSink.of(tmp.resolve("sink"));
    setId =
        Backup.builder()
            .target(new StreamTarget(false))
            .target(VolumeTarget.of("certs", volume))
            .sink(sink)
            .build()
            .run()
            .setId();
  }

  private void damage(String artifactStart) throws IOException {
    Path dir = sink.root().resolve("sets/" + setId);
    Path file;
    try (var files = Files.walk(dir)) {
      file =
          files
              .filter(p -> dir.relativize(p).toString().startsWith(artifactStart))
              .findFirst()
              .orElseThrow();
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
  }

  @Test
  void damageInAHeadTargetThatVerifiesWhileRestoring_isFoundByThatTargetAsItReads()
      throws IOException {
    damage("stream/s.bin");
    StreamTarget head = new StreamTarget(true);
    Path into = tmp.resolve("restored");

    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .set(setId)
                    .target(head)
                    .volume("certs", into)
                    .build()
                    .execute())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("restore of stream/s")
        .hasMessageContaining("stream/s.bin");
    assertThat(head.failures).singleElement().isInstanceOf(IntegrityException.class);
    assertThat(into).doesNotExist();
  }

  @Test
  void damageBehindAHeadTargetThatVerifiesWhileRestoring_isFoundBeforeAnythingIsWritten()
      throws IOException {
    damage("volume/certs.tar");
    StreamTarget head = new StreamTarget(true);

    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .set(setId)
                    .target(head)
                    .volume("certs", tmp.resolve("restored"))
                    .build()
                    .execute())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("nothing was restored")
        .hasMessageContaining("volume/certs.tar");
    assertThat(head.restored).isEmpty();
    assertThat(head.failures).isEmpty();
  }

  @Test
  void damageInASecondTargetThatVerifiesWhileRestoring_isFoundBeforeTheFirstIsRestored()
      throws IOException {
    damage("volume/certs.tar");
    StreamTarget head = new StreamTarget(true);
    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .set(setId)
                    .target(head)
                    .target(
                        new SelfVerifyingVolume(VolumeTarget.of("certs", tmp.resolve("restored"))))
                    .build()
                    .execute())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("nothing was restored");
    assertThat(head.restored).isEmpty();
  }

  @Test
  void aTargetThatDoesNotVerifyWhileRestoring_isNeverHandedDamagedBytes() throws IOException {
    damage("stream/s.bin");
    StreamTarget head = new StreamTarget(false);

    assertThatThrownBy(() -> RestorePlan.builder(sink).set(setId).target(head).build().execute())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("nothing was restored");
    assertThat(head.restored).isEmpty();
    assertThat(head.failures).isEmpty();
  }

  @Test
  void undamagedSet_restoresBothWithoutAPassOverTheHeadTarget() {
    StreamTarget head = new StreamTarget(true);
    Path into = tmp.resolve("restored");

    RestoreResult result =
        RestorePlan.builder(sink).set(setId).target(head).volume("certs", into).build().execute();

    assertThat(head.restored).singleElement().satisfies(b -> assertThat(b).hasSize(1 << 20));
    assertThat(into.resolve("cert.pem")).hasContent("-----BEGIN CERTIFICATE-----");
    assertThat(result.targets()).hasSize(2);
  }
}
