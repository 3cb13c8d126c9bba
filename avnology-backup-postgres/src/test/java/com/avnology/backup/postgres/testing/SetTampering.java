package com.avnology.backup.postgres.testing;

import com.avnology.backup.Manifest;
import com.avnology.backup.internal.ManifestCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Changes stored rows of a set behind the backup's back, as an attacker or a bug would: the data
 * files are rewritten and the manifest's size and SHA-256 of each changed artifact updated to
 * match, so every artifact hash verifies and only the content digest can tell.
 */
public final class SetTampering {
  private SetTampering() {}

  /**
   * Replaces {@code from} with {@code to} in every {@code .dat} file of an uncompressed,
   * unencrypted set that holds it, and rewrites the manifest to match.
   *
   * @param set the set's directory in a file sink
   * @param setId the set's id
   * @param from COPY text to find, such as {@code "\n42\t42\n"}
   * @param to its replacement
   * @return how many artifacts were changed
   */
  public static int rewriteRows(Path set, String setId, String from, String to) throws IOException {
    Path manifestFile = set.resolve("manifest.json");
    Manifest manifest = ManifestCodec.read(setId, Files.readAllBytes(manifestFile));
    int changed = 0;
    List<Manifest.Target> targets = new ArrayList<>();
    for (Manifest.Target t : manifest.targets()) {
      List<Manifest.Artifact> artifacts = new ArrayList<>();
      for (Manifest.Artifact a : t.artifacts()) {
        Path file = set.resolve(a.path());
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (a.path().endsWith(".dat") && text.contains(from)) {
          Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
          byte[] bytes = Files.readAllBytes(file);
          a =
              Manifest.Artifact.builder(a.path())
                  .size(bytes.length)
                  .sha256(HexFormat.of().formatHex(sha256(bytes)))
                  .compression(a.compression())
                  .build();
          changed++;
        }
        artifacts.add(a);
      }
      targets.add(
          Manifest.Target.builder(t.kind(), t.name())
              .options(t.options())
              .metadata(t.metadata())
              .artifacts(artifacts)
              .build());
    }
    Manifest.Builder rewritten =
        Manifest.builder(manifest.id())
            .formatVersion(manifest.formatVersion())
            .startedAt(manifest.startedAt())
            .finishedAt(manifest.finishedAt())
            .libraryVersion(manifest.libraryVersion())
            .targets(targets);
    if (manifest.encryption() != null) {
      rewritten.encryption(manifest.encryption());
    }
    Files.write(manifestFile, ManifestCodec.write(rewritten.build()));
    return changed;
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
