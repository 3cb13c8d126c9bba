package com.avnology.backup.internal;

import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@link ManifestCodec} of commit c8ca597, on jackson-databind, kept verbatim (renamed) as the
 * reference the streaming codec is compared with: its canonical bytes are those every existing
 * set's checksum and HMAC were computed over, and its messages are those users have seen. Test code
 * only; never change it.
 */
public final class LegacyManifestCodec {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final ObjectMapper COMPACT = new ObjectMapper();
  private static final String INTEGRITY = "integrity";
  private static final String HMAC = "hmacSha256";
  private static final String SHA = "sha256";

  private LegacyManifestCodec() {}

  /**
   * Returns its JSON bytes (UTF-8).
   *
   * @param manifest the manifest of an unencrypted set
   */
  public static byte[] write(Manifest manifest) {
    return write(manifest, null);
  }

  /**
   * Returns its JSON bytes (UTF-8).
   *
   * @param manifest the manifest
   * @param keys the set's keys if it is encrypted, for the HMAC; else {@code null}
   */
  public static byte[] write(Manifest manifest, SetKeys keys) {
    if (manifest.encrypted() != (keys != null)) {
      throw new IllegalArgumentException("an encrypted manifest needs its keys, no other does");
    }
    ObjectNode root = JSON.createObjectNode();
    root.put("formatVersion", manifest.formatVersion());
    root.put("id", manifest.id());
    root.put("startedAt", manifest.startedAt().toString());
    root.put("finishedAt", manifest.finishedAt().toString());
    root.put("libraryVersion", manifest.libraryVersion());
    ArrayNode targets = root.putArray("targets");
    for (Manifest.Target t : manifest.targets()) {
      ObjectNode target = targets.addObject();
      target.put("kind", t.kind());
      target.put("name", t.name());
      putMap(target.putObject("options"), t.options());
      putMap(target.putObject("metadata"), t.metadata());
      ArrayNode artifacts = target.putArray("artifacts");
      for (Manifest.Artifact a : t.artifacts()) {
        artifacts
            .addObject()
            .put("path", a.path())
            .put("size", a.size())
            .put("sha256", a.sha256())
            .put("compression", a.compression());
      }
    }
    Manifest.Encryption e = manifest.encryption();
    if (e != null) {
      root.putObject("encryption")
          .put("cipher", e.cipher())
          .put("chunkSize", e.chunkSize())
          .put("keySource", e.keySource())
          .put("kdf", e.kdf())
          .put("kdfIterations", e.kdfIterations())
          .put("kdfSalt", e.kdfSalt())
          .put("wrappedKey", e.wrappedKey());
    }
    if (manifest.formatVersion() >= 2) {
      ObjectNode integrity = JSON.createObjectNode();
      if (keys != null) {
        integrity.put(HMAC, HexFormat.of().formatHex(keys.mac(canonical(root))));
      }
      root.set(INTEGRITY, integrity);
      integrity.put(SHA, HexFormat.of().formatHex(Sha256.digest().digest(canonical(root))));
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException failure) {
      throw new IllegalStateException("cannot serialise manifest " + manifest.id(), failure);
    }
  }

  /**
   * {@return the manifest}
   *
   * @param setId the set the bytes belong to, for messages
   * @param bytes the manifest's JSON
   * @throws IntegrityException if the bytes are not a manifest this version reads
   */
  public static Manifest read(String setId, byte[] bytes) {
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw bad(setId, "not a JSON object");
      }
      JsonNode versionNode = required(setId, root, "formatVersion");
      int version = versionNode.canConvertToInt() ? versionNode.asInt(-1) : -1;
      if (version < 1 || version > Manifest.FORMAT_VERSION) {
        throw new IntegrityException(
            "manifest of set "
                + setId
                + " has format version "
                + version
                + ", this library reads 1 to "
                + Manifest.FORMAT_VERSION
                + ": upgrade avnology-backup to read it");
      }
      if (version >= 2) {
        checkChecksum(setId, (ObjectNode) root);
      }
      List<Manifest.Target> targets = new ArrayList<>();
      for (JsonNode t : required(setId, root, "targets")) {
        List<Manifest.Artifact> artifacts = new ArrayList<>();
        for (JsonNode a : required(setId, t, "artifacts")) {
          String path = text(setId, a, "path");
          long size = required(setId, a, "size").asLong();
          String sha256 = text(setId, a, "sha256");
          String compression = text(setId, a, "compression");
          artifacts.add(
              Manifest.Artifact.builder(path)
                  .size(size)
                  .sha256(sha256)
                  .compression(compression)
                  .build());
        }
        String kind = text(setId, t, "kind");
        String name = text(setId, t, "name");
        Map<String, String> options = map(t.get("options"));
        Map<String, String> metadata = map(t.get("metadata"));
        targets.add(
            Manifest.Target.builder(kind, name)
                .options(options)
                .metadata(metadata)
                .artifacts(artifacts)
                .build());
      }
      Manifest.Encryption encryption = null;
      JsonNode e = root.get("encryption");
      if (e != null) {
        if (version < 2) {
          throw bad(setId, "format version 1 has no encryption");
        }
        String cipher = text(setId, e, "cipher");
        int chunkSize = required(setId, e, "chunkSize").asInt();
        String keySource = text(setId, e, "keySource");
        String kdf = text(setId, e, "kdf");
        int kdfIterations = required(setId, e, "kdfIterations").asInt();
        String kdfSalt = text(setId, e, "kdfSalt");
        String wrappedKey = text(setId, e, "wrappedKey");
        encryption =
            Manifest.Encryption.builder()
                .cipher(cipher)
                .chunkSize(chunkSize)
                .keySource(keySource)
                .kdf(kdf)
                .kdfIterations(kdfIterations)
                .kdfSalt(kdfSalt)
                .wrappedKey(wrappedKey)
                .build();
      }
      String id = text(setId, root, "id");
      if (!id.equals(setId)) {
        throw new IntegrityException(
            "manifest of set "
                + setId
                + " belongs to set "
                + id
                + ": the set was renamed or copied over; restore set "
                + id
                + " by its own id");
      }
      return new Manifest(
          version,
          id,
          Instant.parse(text(setId, root, "startedAt")),
          Instant.parse(text(setId, root, "finishedAt")),
          text(setId, root, "libraryVersion"),
          targets,
          encryption);
    } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
      throw bad(setId, e.getMessage());
    }
  }

  /**
   * Checks an encrypted set's manifest HMAC.
   *
   * @param setId the set, for messages
   * @param bytes the manifest's bytes, already {@link #read read}
   * @param keys the set's keys
   * @throws IntegrityException if the HMAC is missing or does not match
   */
  public static void authenticate(String setId, byte[] bytes, SetKeys keys) {
    ObjectNode root;
    try {
      root = (ObjectNode) JSON.readTree(bytes);
    } catch (IOException | ClassCastException e) {
      throw bad(setId, e.getMessage());
    }
    JsonNode integrity = root.remove(INTEGRITY);
    JsonNode mac = integrity == null ? null : integrity.get(HMAC);
    if (mac == null || !mac.isTextual()) {
      throw new IntegrityException(
          "manifest of set "
              + setId
              + " is encrypted but carries no"
              + " HMAC: it was changed after the backup; restore another set");
    }
    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(mac.asText());
    } catch (IllegalArgumentException e) {
      expected = new byte[0];
    }
    if (!mac.asText().equals(mac.asText().toLowerCase(java.util.Locale.ROOT))
        || !keys.macMatches(canonical(root), expected)) {
      throw new IntegrityException(
          "manifest of set "
              + setId
              + " fails authentication (HMAC"
              + " mismatch): it was changed after the backup; restore another set");
    }
  }

  private static void checkChecksum(String setId, ObjectNode root) {
    JsonNode integrity = root.get(INTEGRITY);
    JsonNode sha = integrity == null ? null : integrity.get(SHA);
    if (sha == null || !sha.isTextual() || !integrity.isObject()) {
      throw bad(setId, "its integrity checksum is missing");
    }
    ObjectNode copy = root.deepCopy();
    ((ObjectNode) copy.get(INTEGRITY)).remove(SHA);
    String actual = HexFormat.of().formatHex(Sha256.digest().digest(canonical(copy)));
    if (!actual.equals(sha.asText())) {
      throw new IntegrityException(
          "manifest of set "
              + setId
              + " is damaged: its SHA-256 is "
              + actual
              + ", it recorded "
              + sha.asText()
              + "; the set cannot be trusted, restore"
              + " another set");
    }
  }

  /**
   * Returns its compact UTF-8 serialisation with object fields sorted by name.
   *
   * @param node a JSON tree
   */
  static byte[] canonical(JsonNode node) {
    try {
      return COMPACT.writeValueAsBytes(sorted(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a manifest", e);
    }
  }

  private static JsonNode sorted(JsonNode node) {
    if (node.isObject()) {
      ObjectNode out = COMPACT.createObjectNode();
      List<String> names = new ArrayList<>();
      node.fieldNames().forEachRemaining(names::add);
      java.util.Collections.sort(names);
      for (String name : names) {
        out.set(name, sorted(node.get(name)));
      }
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = COMPACT.createArrayNode();
      node.forEach(n -> out.add(sorted(n)));
      return out;
    }
    return node;
  }

  private static void putMap(ObjectNode node, Map<String, String> map) {
    new TreeMap<>(map).forEach(node::put);
  }

  private static Map<String, String> map(JsonNode node) {
    Map<String, String> map = new TreeMap<>();
    if (node != null) {
      node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asText()));
    }
    return map;
  }

  private static JsonNode required(String setId, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw bad(setId, "field '" + field + "' is missing");
    }
    return value;
  }

  private static String text(String setId, JsonNode node, String field) {
    return required(setId, node, field).asText();
  }

  private static IntegrityException bad(String setId, String why) {
    return new IntegrityException(
        "manifest of set "
            + setId
            + " is malformed ("
            + why
            + "): the set cannot be trusted; restore another set");
  }
}
