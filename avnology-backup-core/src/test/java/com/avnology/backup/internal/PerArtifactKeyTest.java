package com.avnology.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Encryption;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.KeySource;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.VolumeTarget;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every artifact of an encrypted set is under its own key, HKDF over the set's data key and the
 * artifact's path (header flags 0x01); sets written before that, under one set-wide content key
 * (flags 0x00), stay readable: {@code legacy-set-key/} is a set the code before per-artifact keys
 * wrote, with the raw key {@link #LEGACY_KEY}.
 */
final class PerArtifactKeyTest {
  static final byte[] LEGACY_KEY = new byte[32];
  static final String LEGACY_ID = "20261203T132231.846Z-cfcb78";

  static {
    for (int i = 0; i < 32; i++) {
      LEGACY_KEY[i] = (byte) (i * 7 + 1);
    }
  }

  @TempDir Path tmp;

  @Test
  void setWrittenBeforePerArtifactKeys_verifiesAndRestores() throws Exception {
    FileSystemSink sink = FileSystemSink.of(copyLegacySet());
    Encryption encryption = Encryption.aes256Gcm(KeySource.raw(LEGACY_KEY));
    Path stored = tmp.resolve("sink/sets/" + LEGACY_ID + "/volume/more.tar.zst");
    assertThat(Files.readAllBytes(stored)[15]).as("old header flags").isEqualTo((byte) 0);

    assertThat(BackupCatalog.builder(sink).encryption(encryption).build().verify(LEGACY_ID).ok())
        .isTrue();
    RestorePlan.builder(sink)
        .set(LEGACY_ID)
        .encryption(encryption)
        .volume("docs", tmp.resolve("docs"))
        .volume("more", tmp.resolve("more"))
        .build()
        .execute();

    assertThat(tmp.resolve("more/a.txt"))
        .hasContent("written before per-artifact keys\n".repeat(3000));
    assertThat(tmp.resolve("docs/b.txt")).hasContent("second file");
    assertThat(tmp.resolve("docs/sub/a.txt")).hasSameTextualContentAs(tmp.resolve("more/a.txt"));
  }

  @Test
  void newSet_eachArtifactUnderItsOwnKey_notTheSetKey() throws Exception {
    Path volume = Files.createDirectories(tmp.resolve("v"));
    Files.writeString(volume.resolve("a.txt"), "same bytes");
    FileSystemSink sink = FileSystemSink.of(Files.createDirectories(tmp.resolve("sink")));
    Encryption encryption = Encryption.aes256Gcm(KeySource.raw(LEGACY_KEY));
    BackupResult result =
        Backup.builder()
            .target(VolumeTarget.of("one", volume))
            .target(VolumeTarget.of("two", volume))
            .sink(sink)
            .encryption(encryption)
            .build()
            .run();
    Manifest manifest = BackupCatalog.of(sink).manifest(result.setId());
    SetKeys keys =
        SetKeys.unwrap(
            LEGACY_KEY,
            result.setId(),
            Base64.getDecoder().decode(manifest.encryption().wrappedKey()));
    Path dir = tmp.resolve("sink/sets/" + result.setId());
    byte[] one = Files.readAllBytes(dir.resolve("volume/one.tar.zst"));

    assertThat(one[15]).as("header flags").isEqualTo(ChunkCipher.ARTIFACT_KEY);
    assertThat(keys.artifact("volume/one.tar.zst").getEncoded())
        .isNotEqualTo(keys.artifact("volume/two.tar.zst").getEncoded())
        .isNotEqualTo(keys.content().getEncoded())
        .isEqualTo(keys.artifact("volume/one.tar.zst").getEncoded());
    assertThat(decrypt(one, keys, "volume/one.tar.zst")).isNotEmpty();
    // the same bytes under the set-wide key (flags 0x00): the tags refuse them
    byte[] downgraded = one.clone();
    downgraded[15] = ChunkCipher.SET_KEY;
    assertThatThrownBy(() -> decrypt(downgraded, keys, "volume/one.tar.zst"))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("fails authentication");
    assertThat(
            BackupCatalog.builder(sink).encryption(encryption).build().verify(result.setId()).ok())
        .isTrue();
  }

  @Test
  void setWideStream_stillReads() throws IOException, Exception {
    SetKeys keys = SetKeys.create(LEGACY_KEY, "s").keys();
    ByteArrayOutputStream sealed = new ByteArrayOutputStream();
    try (OutputStream out = EncryptingOutputStream.setWide(sealed, keys, "k/a.bin")) {
      out.write("old scheme".getBytes(StandardCharsets.UTF_8));
    }

    assertThat(sealed.toByteArray()[15]).isEqualTo(ChunkCipher.SET_KEY);
    assertThat(new String(decrypt(sealed.toByteArray(), keys, "k/a.bin"), StandardCharsets.UTF_8))
        .isEqualTo("old scheme");
  }

  static byte[] decrypt(byte[] sealed, SetKeys keys, String path) throws IOException {
    try (DecryptingInputStream in =
        new DecryptingInputStream(new ByteArrayInputStream(sealed), keys, path)) {
      return in.readAllBytes();
    }
  }

  Path copyLegacySet() throws IOException, URISyntaxException {
    Path from = Path.of(getClass().getResource("/legacy-set-key").toURI());
    Path to = tmp.resolve("sink");
    try (Stream<Path> files = Files.walk(from)) {
      for (Path f : files.toList()) {
        Path target = to.resolve(from.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(target);
        } else {
          Files.copy(f, target);
        }
      }
    }
    return to;
  }
}
