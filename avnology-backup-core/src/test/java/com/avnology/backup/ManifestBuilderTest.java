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
        new Manifest.Target(
            "volume",
            "v",
            Map.of(),
            Map.of(),
            List.of(new Manifest.Artifact("volume/v.tar", 3, "ab", "none")));

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
                    .encryption(new Manifest.Encryption("c", 1, "raw", "none", 0, "", "k"))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage(
            "encryption needs format version 2 or later, not 1: leave formatVersion(...)" + " out");
  }
}
