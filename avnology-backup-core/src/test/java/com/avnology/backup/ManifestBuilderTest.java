package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Manifests are made with a builder: defaults, and what it refuses. */
final class ManifestBuilderTest {
  static final Instant T0 = Instant.parse("2026-01-02T03:04:05Z");

  @Test
  void builder_defaultsAndRefusals() {
    Manifest.Target target =
        Manifest.Target.builder("volume", "v")
            .artifacts(
                List.of(
                    Manifest.Artifact.builder("volume/v.tar")
                        .size(3)
                        .sha256("ab")
                        .compression("none")
                        .build()))
            .build();

    Manifest m =
        Manifest.builder("20260102T030405.000Z-abcdef")
            .startedAt(T0)
            .finishedAt(T0.plusSeconds(2))
            .libraryVersion("1.0")
            .targets(List.of(target))
            .build();

    assertThat(m.formatVersion()).isEqualTo(Manifest.FORMAT_VERSION);
    assertThat(m.encrypted()).isFalse();
    assertThat(m.totalSize()).isEqualTo(3);
    assertThat(m.duration()).hasSeconds(2);
    assertThatThrownBy(() -> Manifest.builder("x").startedAt(T0).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "a manifest needs startedAt, finishedAt and libraryVersion: call each before"
                + " build()");
    assertThatThrownBy(() -> Manifest.builder("x").formatVersion(3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("format version must be between 1 and 2: 3");
    assertThatThrownBy(
            () ->
                Manifest.builder("x")
                    .formatVersion(1)
                    .startedAt(T0)
                    .finishedAt(T0)
                    .libraryVersion("1")
                    .encryption(
                        Manifest.Encryption.builder()
                            .cipher("c")
                            .chunkSize(1)
                            .keySource("raw")
                            .wrappedKey("k")
                            .build())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "encryption needs format version 2 or later, not 1: leave formatVersion(...)" + " out");
  }

  @Test
  void entryBuilders_defaultsAndRefusals() {
    Manifest.Artifact artifact =
        Manifest.Artifact.builder("volume/v.tar").size(3).sha256("ab").compression("none").build();
    assertThat(artifact).isEqualTo(new Manifest.Artifact("volume/v.tar", 3, "ab", "none"));
    assertThatThrownBy(() -> Manifest.Artifact.builder("volume/v.tar").size(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("artifact size cannot be negative: -1");
    assertThatThrownBy(() -> Manifest.Artifact.builder("volume/v.tar").size(3).sha256("ab").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "artifact volume/v.tar needs size, sha256 and compression: call each before build()");

    Manifest.Target target =
        Manifest.Target.builder("volume", "v")
            .options(Map.of("compression", "none"))
            .metadata(Map.of("entries", "1"))
            .metadata(Map.of("files", "1"))
            .artifacts(List.of(artifact))
            .build();
    assertThat(target)
        .isEqualTo(
            new Manifest.Target(
                "volume",
                "v",
                Map.of("compression", "none"),
                Map.of("entries", "1", "files", "1"),
                List.of(artifact)));
    assertThat(Manifest.Target.builder("volume", "empty").build().artifacts()).isEmpty();

    Manifest.Encryption raw =
        Manifest.Encryption.builder().chunkSize(65536).keySource("raw").wrappedKey("k").build();
    assertThat(raw)
        .isEqualTo(
            new Manifest.Encryption(
                Manifest.Encryption.AES_256_GCM_STREAM, 65536, "raw", "none", 0, "", "k"));
    assertThatThrownBy(() -> Manifest.Encryption.builder().keySource("raw").wrappedKey("k").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "an encryption entry needs chunkSize, keySource and wrappedKey: call each before"
                + " build()");
  }
}
