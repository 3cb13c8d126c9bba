package com.avnology.backup.internal;

import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
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
 * hmacSha256} (encrypted sets only) is the HMAC-SHA256, under a key derived from the set's data
 * key, of the canonical bytes of the manifest without {@code integrity}; {@code sha256} is the
 * SHA-256 of the canonical bytes of the manifest whose {@code integrity} holds only {@code
 * hmacSha256}. The checksum catches accidental damage without a key; the HMAC catches deliberate
 * changes.
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
 * command-line tool 60-160 ms of start-up. It now reads with jackson-core's streaming parser into a
 * tree of {@link LinkedHashMap}, {@link ArrayList}, {@link String}, {@link Integer}, {@link Long},
 * {@link BigInteger}, {@link Double}, {@link Boolean} and {@code null}, each number of the
 * narrowest of those types that holds it, as databind's tree did, so the canonical bytes are
 * unchanged ({@code ManifestCodecCompatTest} holds manifests of the databind version). Unlike
 * databind's {@code asText()} and {@code asLong()}, which the first reader used, fields are read
 * strictly: a size of {@code "x"} or {@code true} is refused, naming the field, not read as 0 or 1.
 */
public final class ManifestCodec {
  private static final JsonFactory JSON =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final String INTEGRITY = "integrity";
  private static final String HMAC = "hmacSha256";
  private static final String SHA = "sha256";

  private ManifestCodec() {}

  /**
   * {@return its JSON bytes (UTF-8)}
   *
   * @param manifest the manifest of an unencrypted set
   */
  public static byte[] write(Manifest manifest) {
    return write(manifest, null);
  }

  /**
   * {@return its JSON bytes (UTF-8)}
   *
   * @param manifest the manifest
   * @param keys the set's keys if it is encrypted, for the HMAC; else {@code null}
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
   * Reads a manifest strictly: every field the writer writes must be there with its JSON type (a
   * string is a string, a size a whole number within range, {@code options} and {@code metadata}
   * objects of strings, absent meaning empty); fields it does not know are ignored, so a newer
   * minor writer stays readable.
   *
   * @param setId the set the bytes belong to, for messages
   * @param bytes the manifest's JSON
   * @return the manifest
   * @throws IntegrityException if the bytes are not a manifest this version reads; a field of the
   *     wrong type or missing is named by its path, such as {@code targets[0].artifacts[1].size}
   */
  public static Manifest read(String setId, byte[] bytes) {
    try {
      Map<String, Object> root = object(parse(bytes));
      if (root == null) {
        throw bad(setId, "not a JSON object");
      }
      int version = formatVersion(setId, required(setId, root, "", "formatVersion"));
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
        checkChecksum(setId, root);
      }
      List<Manifest.Target> targets = new ArrayList<>();
      List<?> targetNodes = array(setId, root, "", "targets");
      for (int i = 0; i < targetNodes.size(); i++) {
        String tp = "targets[" + i + "]";
        Map<String, Object> t = element(setId, targetNodes.get(i), tp);
        List<Manifest.Artifact> artifacts = new ArrayList<>();
        List<?> artifactNodes = array(setId, t, tp + ".", "artifacts");
        for (int j = 0; j < artifactNodes.size(); j++) {
          String ap = tp + ".artifacts[" + j + "].";
          Map<String, Object> a =
              element(setId, artifactNodes.get(j), ap.substring(0, ap.length() - 1));
          String path = text(setId, a, ap, "path");
          long size = whole(setId, a, ap, "size");
          String sha256 = text(setId, a, ap, "sha256");
          String compression = text(setId, a, ap, "compression");
          artifacts.add(
              Manifest.Artifact.builder(path)
                  .size(size)
                  .sha256(sha256)
                  .compression(compression)
                  .build());
        }
        String kind = text(setId, t, tp + ".", "kind");
        String name = text(setId, t, tp + ".", "name");
        Map<String, String> options = strings(setId, t, tp + ".", "options");
        Map<String, String> metadata = strings(setId, t, tp + ".", "metadata");
        targets.add(
            Manifest.Target.builder(kind, name)
                .options(options)
                .metadata(metadata)
                .artifacts(artifacts)
                .build());
      }
      Manifest.Encryption encryption = null;
      if (root.containsKey("encryption")) { // a JSON null too, as the message for it says
        if (version < 2) {
          throw bad(setId, "format version 1 has no encryption");
        }
        Map<String, Object> e = element(setId, root.get("encryption"), "encryption");
        String ep = "encryption.";
        String cipher = text(setId, e, ep, "cipher");
        int chunkSize = integer(setId, e, ep, "chunkSize");
        String keySource = text(setId, e, ep, "keySource");
        String kdf = text(setId, e, ep, "kdf");
        int kdfIterations = integer(setId, e, ep, "kdfIterations");
        String kdfSalt = text(setId, e, ep, "kdfSalt");
        String wrappedKey = text(setId, e, ep, "wrappedKey");
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
      String id = text(setId, root, "", "id");
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
      Manifest.Builder manifest =
          Manifest.builder(id)
              .formatVersion(version)
              .startedAt(instant(setId, root, "startedAt"))
              .finishedAt(instant(setId, root, "finishedAt"))
              .libraryVersion(text(setId, root, "", "libraryVersion"))
              .targets(targets);
      return (encryption == null ? manifest : manifest.encryption(encryption)).build();
    } catch (IOException | IllegalArgumentException e) {
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
    if (!(mac instanceof String hex)) {
      throw new IntegrityException(
          "manifest of set "
              + setId
              + " is encrypted but carries no"
              + " HMAC: it was changed after the backup; restore another set");
    }

    byte[] expected;
    try {
      expected = HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      expected = new byte[0];
    }
    if (!hex.equals(hex.toLowerCase(Locale.ROOT)) || !keys.macMatches(canonical(root), expected)) {
      throw new IntegrityException(
          "manifest of set "
              + setId
              + " fails authentication (HMAC"
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
      throw new IntegrityException(
          "manifest of set "
              + setId
              + " is damaged: its SHA-256 is "
              + actual
              + ", it recorded "
              + sha
              + "; the set cannot be trusted, restore"
              + " another set");
    }
  }

  /**
   * Reads one JSON value, as jackson-databind's {@code ObjectMapper.readTree} did: what follows it
   * is not read.
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
      case START_OBJECT -> {
        Map<String, Object> object = new LinkedHashMap<>();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
          object.put(name, value(p, p.nextToken()));
        }
        return object;
      }
      case START_ARRAY -> {
        List<Object> array = new ArrayList<>();
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          array.add(value(p, t));
        }
        return array;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NUMBER_INT -> {
        JsonParser.NumberType type = p.getNumberType();
        if (type == JsonParser.NumberType.INT) {
          return p.getIntValue();
        }
        if (type == JsonParser.NumberType.LONG) {
          return p.getLongValue();
        }
        return p.getBigIntegerValue();
      }
      case VALUE_NUMBER_FLOAT -> {
        return p.getDoubleValue();
      }
      case VALUE_TRUE -> {
        return true;
      }
      case VALUE_FALSE -> {
        return false;
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> throw new IOException("unexpected JSON token " + token);
    }
  }

  /**
   * {@return its compact UTF-8 serialisation with object fields sorted by name}
   *
   * @param tree a JSON tree
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
   * @param canonical true for compact output with sorted fields, false for Jackson's default pretty
   *     printer and fields in their order
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
    } else if (node instanceof String string) {
      g.writeString(string);
    } else if (node instanceof Integer i) {
      g.writeNumber(i.intValue());
    } else if (node instanceof Long l) {
      g.writeNumber(l.longValue());
    } else if (node instanceof BigInteger bigInteger) {
      g.writeNumber(bigInteger);
    } else if (node instanceof Double d) {
      g.writeNumber(d.doubleValue());
    } else if (node instanceof Boolean b) {
      g.writeBoolean(b);
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
   * @return the field's value if the node is an object with that field; {@code null} if not or if
   *     the value is JSON {@code null}
   */
  private static Object get(Object node, String field) {
    Map<String, Object> object = object(node);
    return object == null ? null : object.get(field);
  }

  /**
   * @param node a JSON value
   * @return how a message shows it: a string quoted, else its JSON text
   */
  private static String show(Object node) {
    if (node instanceof String text) {

      return "the string \"" + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "\"";
    }
    if (node instanceof Map) {
      return "an object";
    }
    if (node instanceof List) {
      return "an array";
    }
    return String.valueOf(node);
  }

  private static IntegrityException wrongType(
      String setId, String path, String type, Object found) {
    return bad(setId, "field '" + path + "' must be " + type + ", not " + show(found));
  }

  /**
   * @return the value of the formatVersion field: a whole number, out of int range as -1
   */
  private static int formatVersion(String setId, Object node) {
    if (node instanceof Integer i) {
      return i;
    }
    if (node instanceof Long || node instanceof BigInteger) {
      return -1;
    }
    throw wrongType(setId, "formatVersion", "a whole number", node);
  }

  private static Object required(String setId, Object node, String prefix, String field) {
    Object value = get(node, field);
    if (value == null) {
      throw bad(setId, "field '" + prefix + field + "' is missing");
    }
    return value;
  }

  private static Map<String, Object> element(String setId, Object node, String path) {
    Map<String, Object> object = object(node);
    if (object == null) {
      throw wrongType(setId, path, "an object", node);
    }
    return object;
  }

  private static List<?> array(String setId, Object node, String prefix, String field) {
    Object value = required(setId, node, prefix, field);
    if (!(value instanceof List)) {
      throw wrongType(setId, prefix + field, "an array", value);
    }
    return (List<?>) value;
  }

  private static String text(String setId, Object node, String prefix, String field) {
    Object value = required(setId, node, prefix, field);
    if (!(value instanceof String string)) {
      throw wrongType(setId, prefix + field, "a string", value);
    }
    return string;
  }

  private static long whole(String setId, Object node, String prefix, String field) {
    Object value = required(setId, node, prefix, field);
    if (value instanceof Integer || value instanceof Long) {
      return ((Number) value).longValue();
    }
    if (value instanceof BigInteger) {
      throw bad(setId, "field '" + prefix + field + "' is out of range: " + value);
    }
    throw wrongType(setId, prefix + field, "a whole number", value);
  }

  private static int integer(String setId, Object node, String prefix, String field) {
    Object value = required(setId, node, prefix, field);
    if (value instanceof Integer i) {
      return i;
    }
    if (value instanceof Long || value instanceof BigInteger) {
      throw bad(setId, "field '" + prefix + field + "' is out of range: " + value);
    }
    throw wrongType(setId, prefix + field, "a whole number", value);
  }

  private static Instant instant(String setId, Map<String, Object> root, String field) {
    String text = text(setId, root, "", field);
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw bad(
          setId,
          "field '"
              + field
              + "' must be an ISO-8601 instant such as"
              + " 2024-01-02T03:04:05Z, not \""
              + text
              + "\"");
    }
  }

  /**
   * @return an object of strings, absent as empty
   */
  private static Map<String, String> strings(
      String setId, Object node, String prefix, String field) {
    Map<String, String> map = new TreeMap<>();
    Map<String, Object> parent = object(node);
    if (!parent.containsKey(field)) {
      return map;
    }
    Object value = parent.get(field);
    Map<String, Object> object = object(value);
    if (object == null) {
      throw wrongType(setId, prefix + field, "an object of strings", value);
    }
    object.forEach(
        (name, v) -> {
          if (!(v instanceof String string)) {
            throw wrongType(setId, prefix + field + "." + name, "a string", v);
          }
          map.put(name, string);
        });
    return map;
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
