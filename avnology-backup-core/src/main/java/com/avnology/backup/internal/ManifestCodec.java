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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads and writes {@code manifest.json}. Thread-safe. */
public final class ManifestCodec {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ManifestCodec() {}

  /**
   * @param manifest the manifest
   * @return its JSON bytes (UTF-8)
   */
  public static byte[] write(Manifest manifest) {
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
    try {
      return JSON.writeValueAsBytes(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise manifest " + manifest.id(), e);
    }
  }

  /**
   * @param setId the set the bytes belong to, for messages
   * @param bytes the manifest's JSON
   * @return the manifest
   * @throws IntegrityException if the bytes are not a manifest this version reads
   */
  public static Manifest read(String setId, byte[] bytes) {
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.isObject()) {
        throw bad(setId, "not a JSON object");
      }
      int version = required(setId, root, "formatVersion").asInt(-1);
      if (version < 1 || version > Manifest.FORMAT_VERSION) {
        throw new IntegrityException(
            "manifest of set " + setId + " has format version " + version
                + ", this library reads 1 to " + Manifest.FORMAT_VERSION
                + ": upgrade avnology-backup to read it");
      }
      List<Manifest.Target> targets = new ArrayList<>();
      for (JsonNode t : required(setId, root, "targets")) {
        List<Manifest.Artifact> artifacts = new ArrayList<>();
        for (JsonNode a : required(setId, t, "artifacts")) {
          artifacts.add(
              new Manifest.Artifact(
                  text(setId, a, "path"),
                  required(setId, a, "size").asLong(),
                  text(setId, a, "sha256"),
                  text(setId, a, "compression")));
        }
        targets.add(
            new Manifest.Target(
                text(setId, t, "kind"),
                text(setId, t, "name"),
                map(t.get("options")),
                map(t.get("metadata")),
                artifacts));
      }
      return new Manifest(
          version,
          text(setId, root, "id"),
          Instant.parse(text(setId, root, "startedAt")),
          Instant.parse(text(setId, root, "finishedAt")),
          text(setId, root, "libraryVersion"),
          targets);
    } catch (IOException | DateTimeParseException | IllegalArgumentException e) {
      throw bad(setId, e.getMessage());
    }
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
        "manifest of set " + setId + " is malformed (" + why
            + "): the set cannot be trusted; restore another set");
  }
}
