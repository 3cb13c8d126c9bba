package com.avnology.backup.internal;

import com.avnology.backup.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manifests behind the fixtures in {@code src/test/resources/manifests}, and helpers to read
 * them. Strings need escaping, keys sort differently by UTF-16 unit and by code point, sizes pass
 * 2^31 and reach {@link Long#MAX_VALUE}.
 *
 * <p>Every fixture was written by the jackson-databind {@code ManifestCodec} of commit c8ca597
 * (kept as {@link LegacyManifestCodec}), before the streaming one replaced it: {@code
 * v2-plain.json}, {@code v2-encrypted.json} and {@code v1-plain.json} by {@code write}, {@code
 * *.canonical.json} by {@code canonical} over the whole file, {@code v2-encrypted.key} holds the
 * raw master key and the wrapped data key; {@code cases/NAME.json} is an input, mostly broken, and
 * {@code cases/NAME.expected} what that codec's {@code read} (and for the encrypted set {@code
 * authenticate}) returned or threw for it. They record what existing sets hold and what users saw:
 * never regenerate them with a newer codec.
 */
public final class ManifestFixtures {
  /** The plain fixture's set id. */
  public static final String PLAIN_ID = "20240102T030405.123Z-7f3a9c";

  /** The encrypted fixture's set id. */
  public static final String ENCRYPTED_ID = "20240102T030405.456Z-e1c2d3";

  /** The version-1 fixture's set id. */
  public static final String V1_ID = "20230101T000000.000Z-0a0b0c";

  /** A string that needs every kind of escape, and a character outside the BMP. */
  public static final String TRICKY = "naïve \"quoted\" \\ back\nslash 😀 \u0001";

  private ManifestFixtures() {}

  /** Returns the manifest of {@code v2-plain.json}. */
  public static Manifest plain() {
    return Manifest.builder(PLAIN_ID)
        .formatVersion(2)
        .startedAt(Instant.parse("2024-01-02T03:04:05.123456789Z"))
        .finishedAt(Instant.parse("2024-01-02T03:09:59Z"))
        .libraryVersion("0.1.0-SNAPSHOT")
        .targets(targets())
        .build();
  }

  /**
   * Returns the manifest of {@code v2-encrypted.json}.
   *
   * @param wrappedKey the base64 wrapped data key recorded in {@code v2-encrypted.json}
   */
  public static Manifest encrypted(String wrappedKey) {
    return Manifest.builder(ENCRYPTED_ID)
        .formatVersion(2)
        .startedAt(Instant.parse("2024-01-02T03:04:05.456Z"))
        .finishedAt(Instant.parse("2024-01-02T05:00:00.000001Z"))
        .libraryVersion("0.1.0-SNAPSHOT")
        .targets(targets())
        .encryption(
            Manifest.Encryption.builder()
                .cipher(Manifest.Encryption.AES_256_GCM_STREAM)
                .chunkSize(ChunkCipher.CHUNK)
                .keySource("raw")
                .kdf("none")
                .kdfIterations(0)
                .kdfSalt("")
                .wrappedKey(wrappedKey)
                .build())
        .build();
  }

  /** Returns the manifest of {@code v1-plain.json}. */
  public static Manifest v1() {
    return Manifest.builder(V1_ID)
        .formatVersion(1)
        .startedAt(Instant.parse("2023-01-01T00:00:00Z"))
        .finishedAt(Instant.parse("2023-01-01T00:00:01.5Z"))
        .libraryVersion("0.0.9")
        .targets(targets().subList(0, 1))
        .build();
  }

  private static List<Manifest.Target> targets() {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("compression", "zstd:3");
    options.put("note", TRICKY);
    options.put("", "empty key");
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("entries", "42");
    metadata.put("Zeta", "upper case sorts first");
    metadata.put("alpha", "");
    metadata.put("Ärger", "Latin-1 key");
    metadata.put("😀 emoji key", "sorts before U+FFFD by UTF-16 unit, after it by code point");
    metadata.put("\uFFFD", "replacement character");
    metadata.put("\uE000", "private use");
    metadata.put("tab\tkey", "ctl \u0000 \u001f \u007f del, \u2028 line sep, </script> /");
    metadata.put("e\u0301", "combining accent");
    metadata.put("quote\"key\\", TRICKY);
    Map<String, String> pg = new LinkedHashMap<>();
    pg.put("serverVersion", "15.19");
    pg.put("naïve", TRICKY);
    pg.put("tables", "1234567890123");
    return List.of(
        Manifest.Target.builder("volume", "certs")
            .options(options)
            .metadata(metadata)
            .artifacts(
                List.of(
                    artifact(
                        "volume/certs.tar.zst",
                        5_000_000_000L,
                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                        "zstd")))
            .build(),
        Manifest.Target.builder("postgres", "app-db")
            .metadata(pg)
            .artifacts(
                List.of(
                    artifact("postgres/app-db/toc.dat", 2_147_483_648L, "a".repeat(64), "none"),
                    artifact("postgres/app-db/0001.dat.gz", 0, "b".repeat(64), "gzip"),
                    artifact(
                        "postgres/app-db/0002.dat.zst", Long.MAX_VALUE, "c".repeat(64), "zstd"),
                    artifact(
                        "postgres/app-db/ünïcode path.dat",
                        2_147_483_647L,
                        "d".repeat(64),
                        "none")))
            .build(),
        Manifest.Target.builder("volume", "empty").build());
  }

  private static Manifest.Artifact artifact(
      String path, long size, String sha256, String compression) {
    return Manifest.Artifact.builder(path)
        .size(size)
        .sha256(sha256)
        .compression(compression)
        .build();
  }

  /**
   * Returns the set id it is read as: by the prefix of its name, the id of the fixture it came
   * from.
   *
   * @param name a case under {@code manifests/cases}
   */
  public static String caseSetId(String name) {
    return name.startsWith("enc") ? ENCRYPTED_ID : name.startsWith("v1") ? V1_ID : PLAIN_ID;
  }

  /**
   * Returns a description that two JVMs print the same (maps sorted), for comparing by text.
   *
   * @param manifest a manifest
   */
  public static String describe(Manifest manifest) {
    StringBuilder s =
        new StringBuilder()
            .append("formatVersion=")
            .append(manifest.formatVersion())
            .append(" id=")
            .append(manifest.id())
            .append(" startedAt=")
            .append(manifest.startedAt())
            .append(" finishedAt=")
            .append(manifest.finishedAt())
            .append(" libraryVersion=")
            .append(manifest.libraryVersion());
    for (Manifest.Target t : manifest.targets()) {
      s.append("\n target kind=")
          .append(t.kind())
          .append(" name=")
          .append(t.name())
          .append(" options=")
          .append(new TreeMap<>(t.options()))
          .append(" metadata=")
          .append(new TreeMap<>(t.metadata()));
      for (Manifest.Artifact a : t.artifacts()) {
        s.append("\n  ").append(a);
      }
    }
    if (manifest.encryption() != null) {
      s.append("\n ").append(manifest.encryption());
    }
    return s.toString();
  }

  /**
   * Returns its bytes.
   *
   * @param name a file under {@code manifests/} on the test class path
   */
  public static byte[] resource(String name) {
    try (InputStream in = ManifestFixtures.class.getResourceAsStream("/manifests/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource manifests/" + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Returns whether the test resource {@code manifests/<name>} exists. */
  public static boolean hasResource(String name) {
    return ManifestFixtures.class.getResource("/manifests/" + name) != null;
  }
}
