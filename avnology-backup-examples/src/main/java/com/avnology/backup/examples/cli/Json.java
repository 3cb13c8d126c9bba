package com.avnology.backup.examples.cli;

import com.avnology.backup.Manifest;
import com.avnology.backup.TargetResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** JSON renderings of results for {@code --json}. */
final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * {@return the {@code --json} error object: exit code, kind, message and, when the message says
   * so, what the failure left behind}
   */
  static ObjectNode error(int code, String kind, String message) {
    ObjectNode error =
        object()
            .put("code", code)
            .put("kind", kind)
            .put("message", message)
            .put("left", CliMessages.left(message).orElse(null));
    return error;
  }

  static void targets(ArrayNode into, List<TargetResult> targets) {
    for (TargetResult t : targets) {
      ObjectNode node =
          into.addObject()
              .put("kind", t.kind())
              .put("name", t.name())
              .put("durationMillis", t.duration().toMillis())
              .put("entries", t.entries())
              .put("size", t.size());
      artifacts(node.putArray("artifacts"), t.artifacts());
    }
  }

  static void artifacts(ArrayNode into, List<Manifest.Artifact> artifacts) {
    for (Manifest.Artifact a : artifacts) {
      into.addObject()
          .put("path", a.path())
          .put("size", a.size())
          .put("sha256", a.sha256())
          .put("compression", a.compression());
    }
  }

  static String write(Object node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
