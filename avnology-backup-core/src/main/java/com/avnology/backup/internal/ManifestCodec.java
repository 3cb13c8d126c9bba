package com.avnology.backup.internal;

import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.core.io.NumberOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@code manifest.json}. Thread-safe.
 *
 * <p>Format 2 adds {@code "integrity": {"hmacSha256": …, "sha256": …}}. The canonical bytes of a
 * JSON tree are its compact UTF-8 serialisation with every object's fields sorted by name. {@code
 * hmacSha256} (encrypted sets only) is the HMAC-SHA256, under a key derived from the set's data key,
 * of the canonical bytes of the manifest without {@code integrity}; {@code sha256} is the SHA-256
 * of the canonical bytes of the manifest whose {@code integrity} holds only {@code hmacSha256}. The
 * checksum catches accidental damage without a key; the HMAC catches deliberate changes.
 *
 * <p>The serialisation is Jackson's {@link JsonGenerator} with its defaults: names sorted by UTF-16
 * unit ({@link String#compareTo}); no whitespace; in strings {@code "}, {@code \} and characters
 * below U+0020 escaped ({@code \n} and the like, else <code>&#92;u00XX</code> in upper-case hex),
 * characters outside the BMP as an escaped surrogate pair, all others as UTF-8; integers in
 * decimal; other numbers as {@link Double#toString}, or the string {@code "Infinity"} if too large
 * for a {@code double}. Numbers are those the text holds, not its spelling: {@code 2E0} is {@code
 * 2.0}, {@code -0} is {@code 0}.
 *
 * <p>This class once used jackson-databind's tree ({@code JsonNode}), whose loading cost the
 * command-line tool 60-160 ms of start-up. It now reads with jackson-core's streaming parser
 * into a tree of {@link LinkedHashMap}, {@link ArrayList}, {@link String}, {@link Integer}, {@link
 * Long}, {@link BigInteger}, {@link Double}, {@link Boolean} and {@code null}, each number of the
 * narrowest of those types that holds it, as databind's tree did, and reads fields as databind's
 * {@code asText()}, {@code asInt()} and {@code asLong()} did; so the canonical bytes, the manifests
 * accepted and the messages for those refused are unchanged ({@code ManifestCodecCompatTest}
 * holds manifests, and messages, of the databind version).
 */
public final class ManifestCodec {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final String INTEGRITY = "integrity";
  private static final String HMAC = "hmacSha256";
  private static final String SHA = "sha256";

  private ManifestCodec() {}

  /**
   * @param manifest the manifest of an unencrypted set
   * @return its JSON bytes (UTF-8)
   */
  public static byte[] write(Manifest manifest) {
    return write(manifest, null);
  }

  /**
   * @param manifest the manifest
   * @param keys the set's keys if it is encrypted, for the HMAC; else {@code null}
   * @return its JSON bytes (UTF-8)
   */
  public static byte[] write(Manifest manifest, SetKeys keys) {
    if (manifest.encrypted() != (keys != null)) {
      throw new IllegalArgumentException("an encrypted manifest needs its keys, no other does");
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("formatVersion", manifest.formatVersion());
    root.put("id", manifest.id());
    root.put("startedAt", manifest.startedAt().toString());
    root.put("finishedAt", manifest.finishedAt().toString());
    root.put("libraryVersion", manifest.libraryVersion());
    List<Object> targets = new ArrayList<>();
    for (Manifest.Target t : manifest.targets()) {
      Map<String, Object> target = new LinkedHashMap<>();
      target.put("kind", t.kind());
      target.put("name", t.name());
      target.put("options", new LinkedHashMap<String, Object>(new TreeMap<>(t.options())));
      target.put("metadata", new LinkedHashMap<String, Object>(new TreeMap<>(t.metadata())));
      List<Object> artifacts = new ArrayList<>();
      for (Manifest.Artifact a : t.artifacts()) {
        Map<String, Object> artifact = new LinkedHashMap<>();
        artifact.put("path", a.path());
        artifact.put("size", a.size());
        artifact.put("sha256", a.sha256());
        artifact.put("compression", a.compression());
        artifacts.add(artifact);
      }
      target.put("artifacts", artifacts);
      targets.add(target);
    }
    root.put("targets", targets);
    Manifest.Encryption e = manifest.encryption();
    if (e != null) {
      Map<String, Object> encryption = new LinkedHashMap<>();
      encryption.put("cipher", e.cipher());
      encryption.put("chunkSize", e.chunkSize());
      encryption.put("keySource", e.keySource());
      encryption.put("kdf", e.kdf());
      encryption.put("kdfIterations", e.kdfIterations());
      encryption.put("kdfSalt", e.kdfSalt());
      encryption.put("wrappedKey", e.wrappedKey());
      root.put("encryption", encryption);
    }
    if (manifest.formatVersion() >= 2) {
      Map<String, Object> integrity = new LinkedHashMap<>();
      if (keys != null) {
        integrity.put(HMAC, HexFormat.of().formatHex(keys.mac(canonical(root))));
      }
      root.put(INTEGRITY, integrity);
      integrity.put(SHA, HexFormat.of().formatHex(Sha256.digest().digest(canonical(root))));
    }
    try {
      return serialise(root, false);
    } catch (IOException failure) {
      throw new IllegalStateException("cannot serialise manifest " + manifest.id(), failure);
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
      Map<String, Object> root = object(parse(bytes));
      if (root == null) {
        throw bad(setId, "not a JSON object");
      }
      int version = formatVersion(required(setId, root, "formatVersion"));
      if (version < 1 || version > Manifest.FORMAT_VERSION) {
        throw new IntegrityException(
            "manifest of set " + setId + " has format version " + version
                + ", this library reads 1 to " + Manifest.FORMAT_VERSION
                + ": upgrade avnology-backup to read it");
      }
      if (version >= 2) {
        checkChecksum(setId, root);
      }
      List<Manifest.Target> targets = new ArrayList<>();
      for (Object t : elements(required(setId, root, "targets"))) {
        List<Manifest.Artifact> artifacts = new ArrayList<>();
        for (Object a : elements(required(setId, t, "artifacts"))) {
          artifacts.add(
              new Manifest.Artifact(
                  text(setId, a, "path"),
                  asLong(required(setId, a, "size")),
                  text(setId, a, "sha256"),
                  text(setId, a, "compression")));
        }
        targets.add(
            new Manifest.Target(
                text(setId, t, "kind"),
                text(setId, t, "name"),
                map(get(t, "options")),
                map(get(t, "metadata")),
                artifacts));
      }
      Manifest.Encryption encryption = null;
      if (root.containsKey("encryption")) { // a JSON null too, as the message for it says
        Object e = root.get("encryption");
        if (version < 2) {
          throw bad(setId, "format version 1 has no encryption");
        }
        encryption = new Manifest.Encryption(
            text(setId, e, "cipher"),
            asInt(required(setId, e, "chunkSize")),
            text(setId, e, "keySource"),
            text(setId, e, "kdf"),
            asInt(required(setId, e, "kdfIterations")),
            text(setId, e, "kdfSalt"),
            text(setId, e, "wrappedKey"));
      }
      String id = text(setId, root, "id");
      if (!id.equals(setId)) {
        throw new IntegrityException("manifest of set " + setId + " belongs to set " + id
            + ": the set was renamed or copied over; restore set " + id + " by its own id");
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
    Map<String, Object> root;
    try {
      root = object(parse(bytes));
    } catch (IOException e) {
      throw bad(setId, e.getMessage());
    }
    if (root == null) {
      throw bad(setId, "not a JSON object");
    }
    Object mac = get(root.remove(INTEGRITY), HMAC);
    if (!(mac instanceof String)) {
      throw new IntegrityException("manifest of set " + setId + " is encrypted but carries no"
          + " HMAC: it was changed after the backup; restore another set");
    }
    String hex = (String) mac;
    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      expected = new byte[0];
    }
    if (!hex.equals(hex.toLowerCase(Locale.ROOT)) || !keys.macMatches(canonical(root), expected)) {
      throw new IntegrityException("manifest of set " + setId + " fails authentication (HMAC"
          + " mismatch): it was changed after the backup; restore another set");
    }
  }

  private static void checkChecksum(String setId, Map<String, Object> root) {
    Map<String, Object> integrity = object(root.get(INTEGRITY));
    Object sha = get(integrity, SHA);
    if (!(sha instanceof String)) {
      throw bad(setId, "its integrity checksum is missing");
    }
    Map<String, Object> withoutSha = new LinkedHashMap<>(integrity);
    withoutSha.remove(SHA);
    Map<String, Object> copy = new LinkedHashMap<>(root);
    copy.put(INTEGRITY, withoutSha);
    String actual = HexFormat.of().formatHex(Sha256.digest().digest(canonical(copy)));
    if (!actual.equals(sha)) {
      throw new IntegrityException("manifest of set " + setId + " is damaged: its SHA-256 is "
          + actual + ", it recorded " + sha + "; the set cannot be trusted, restore"
          + " another set");
    }
  }

  /**
   * Reads one JSON value, as jackson-databind's {@code ObjectMapper.readTree} did: what follows
   * it is not read.
   *
   * @param bytes JSON text (UTF-8, or UTF-16 or UTF-32 as Jackson detects them)
   * @return its tree, {@code null} for JSON {@code null} or no value at all (package-private for
   *     tests)
   * @throws IOException if it is not JSON, holds an object with a name twice, or passes Jackson's
   *     limits (nesting 1000 deep, numbers 1000 digits long, …)
   */
  static Object parse(byte[] bytes) throws IOException {
    try (JsonParser p = JSON.createParser(bytes)) {
      JsonToken token = p.nextToken();
      return token == null ? null : value(p, token);
    }
  }

  /**
   * @param p a parser
   * @param token its current token, the first of a value
   * @return that value, read in full; containers are mutable
   */
  private static Object value(JsonParser p, JsonToken token) throws IOException {
    if (token == null) {
      throw new IOException("unexpected end of JSON input");
    }
    switch (token) {
      case START_OBJECT:
        Map<String, Object> object = new LinkedHashMap<>();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
          object.put(name, value(p, p.nextToken()));
        }
        return object;
      case START_ARRAY:
        List<Object> array = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          array.add(value(p, t));
        }
        return array;
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        JsonParser.NumberType type = p.getNumberType();
        if (type == JsonParser.NumberType.INT) {
          return p.getIntValue();
        }
        if (type == JsonParser.NumberType.LONG) {
          return p.getLongValue();
        }
        return p.getBigIntegerValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected JSON token " + token);
    }
  }

  /**
   * @param tree a JSON tree
   * @return its compact UTF-8 serialisation with object fields sorted by name
   */
  static byte[] canonical(Object tree) {
    try {
      return serialise(tree, true);
    } catch (IOException e) {
      throw new IllegalStateException("cannot serialise a manifest", e);
    }
  }

  /**
   * @param tree a JSON tree
   * @param canonical true for compact output with sorted fields, false for Jackson's default
   *     pretty printer and fields in their order
   * @return its UTF-8 serialisation
   */
  private static byte[] serialise(Object tree, boolean canonical) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
      if (!canonical) {
        g.useDefaultPrettyPrinter();
      }
      write(g, tree, canonical);
    }
    return out.toByteArray();
  }

  private static void write(JsonGenerator g, Object node, boolean sorted) throws IOException {
    if (node instanceof Map) {
      Map<String, Object> object = object(node);
      Collection<String> names = object.keySet();
      if (sorted) {
        List<String> list = new ArrayList<>(names);
        Collections.sort(list);
        names = list;
      }
      g.writeStartObject();
      for (String name : names) {
        g.writeFieldName(name);
        write(g, object.get(name), sorted);
      }
      g.writeEndObject();
    } else if (node instanceof List) {
      g.writeStartArray();
      for (Object element : (List<?>) node) {
        write(g, element, sorted);
      }
      g.writeEndArray();
    } else if (node instanceof String) {
      g.writeString((String) node);
    } else if (node instanceof Integer) {
      g.writeNumber(((Integer) node).intValue());
    } else if (node instanceof Long) {
      g.writeNumber(((Long) node).longValue());
    } else if (node instanceof BigInteger) {
      g.writeNumber((BigInteger) node);
    } else if (node instanceof Double) {
      g.writeNumber(((Double) node).doubleValue());
    } else if (node instanceof Boolean) {
      g.writeBoolean((Boolean) node);
    } else if (node == null) {
      g.writeNull();
    } else {
      throw new IllegalArgumentException("not a JSON value: " + node.getClass().getName());
    }
  }

  /**
   * @param node a JSON value
   * @return it if it is an object, else {@code null}
   */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> object(Object node) {
    return node instanceof Map ? (Map<String, Object>) node : null;
  }

  /**
   * @param node a JSON value
   * @param field a name
   * @return the field's value if the node is an object with that field; {@code null} if not or
   *     if the value is JSON {@code null}
   */
  private static Object get(Object node, String field) {
    Map<String, Object> object = object(node);
    return object == null ? null : object.get(field);
  }

  /**
   * @param node a JSON value
   * @return an array's elements, an object's values, else nothing (as {@code JsonNode} iterated)
   */
  private static Collection<?> elements(Object node) {
    if (node instanceof List) {
      return (List<?>) node;
    }
    Map<String, Object> object = object(node);
    return object == null ? List.of() : object.values();
  }

  /**
   * @param node a JSON value, not {@code null}
   * @return a string itself, a number's or boolean's JSON text (decimals as {@link
   *     Double#toString}), {@code ""} for an object or array: {@code JsonNode.asText()}
   */
  private static String asText(Object node) {
    if (node instanceof String) {
      return (String) node;
    }
    if (node instanceof Double) {
      return NumberOutput.toString((double) (Double) node);
    }
    if (node instanceof Number || node instanceof Boolean) {
      return node.toString();
    }
    return node == null ? "null" : "";
  }

  /**
   * @param node a JSON value, not {@code null}
   * @return a number cast to {@code long}, a string parsed leniently (0 if it is no number), a
   *     boolean as 1 or 0, else 0: {@code JsonNode.asLong()}
   */
  private static long asLong(Object node) {
    if (node instanceof Number) {
      return ((Number) node).longValue();
    }
    if (node instanceof String) {
      return NumberInput.parseAsLong((String) node, 0L);
    }
    if (node instanceof Boolean) {
      return (Boolean) node ? 1L : 0L;
    }
    return 0L;
  }

  /**
   * @param node a JSON value, not {@code null}
   * @return a number cast to {@code int}, a string parsed leniently (0 if it is no number), a
   *     boolean as 1 or 0, else 0: {@code JsonNode.asInt()}
   */
  private static int asInt(Object node) {
    if (node instanceof Number) {
      return ((Number) node).intValue();
    }
    if (node instanceof String) {
      return NumberInput.parseAsInt((String) node, 0);
    }
    if (node instanceof Boolean) {
      return (Boolean) node ? 1 : 0;
    }
    return 0;
  }

  /**
   * @param node the {@code formatVersion} value, not {@code null}
   * @return it if it is a number within {@code int} range (a decimal cast to {@code int}), else
   *     -1: {@code canConvertToInt() ? asInt(-1) : -1}
   */
  private static int formatVersion(Object node) {
    if (node instanceof Integer) {
      return (Integer) node;
    }
    if (node instanceof Long) {
      long v = (Long) node;
      return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (int) v : -1;
    }
    if (node instanceof BigInteger) {
      BigInteger v = (BigInteger) node;
      return v.bitLength() < Integer.SIZE ? v.intValue() : -1;
    }
    if (node instanceof Double) {
      double v = (Double) node;
      return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? (int) v : -1;
    }
    return -1;
  }

  private static Map<String, String> map(Object node) {
    Map<String, String> map = new TreeMap<>();
    Map<String, Object> object = object(node);
    if (object != null) {
      object.forEach((name, value) -> map.put(name, asText(value)));
    }
    return map;
  }

  private static Object required(String setId, Object node, String field) {
    Object value = get(node, field);
    if (value == null) {
      throw bad(setId, "field '" + field + "' is missing");
    }
    return value;
  }

  private static String text(String setId, Object node, String field) {
    return asText(required(setId, node, field));
  }

  private static IntegrityException bad(String setId, String why) {
    return new IntegrityException(
        "manifest of set " + setId + " is malformed (" + why
            + "): the set cannot be trusted; restore another set");
  }
}
