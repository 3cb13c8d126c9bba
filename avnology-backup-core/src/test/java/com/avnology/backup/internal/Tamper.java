package com.avnology.backup.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HexFormat;

/**
 * What an attacker without the key can do to a manifest: recompute its unkeyed checksum. The
 * checksum is computed by {@link LegacyManifestCodec}, so tests that tamper also check that {@link
 * ManifestCodec} accepts checksums of the databind version.
 */
public final class Tamper {
  private Tamper() {}

  /**
   * Returns its bytes with {@code integrity.sha256} recomputed.
   *
   * @param root an edited manifest tree
   */
  public static byte[] rechecksum(ObjectNode root) {
    ObjectNode integrity =
        root.has("integrity") ? (ObjectNode) root.get("integrity") : root.putObject("integrity");
    integrity.remove("sha256");
    integrity.put(
        "sha256",
        HexFormat.of().formatHex(Sha256.digest().digest(LegacyManifestCodec.canonical(root))));
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
