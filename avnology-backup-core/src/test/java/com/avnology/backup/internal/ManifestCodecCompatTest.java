package com.avnology.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.Encryption;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.KeySource;
import com.avnology.backup.Manifest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming {@link ManifestCodec} against what the jackson-databind codec wrote and said:
 * fixtures it wrote ({@code manifests/v2-plain.json}, {@code v2-encrypted.json} with its raw key in
 * {@code v2-encrypted.key}, {@code v1-plain.json}) and the canonical bytes it computed for them;
 * {@code manifests/cases}, inputs (most of them broken) with what it read or threw for each; and,
 * for inputs made up here at random, {@link LegacyManifestCodec}, the databind codec itself. Where
 * the strict reader refuses what databind read, {@code cases/<name>.strict} holds its outcome.
 */
final class ManifestCodecCompatTest {
  static final ObjectMapper MAPPER = new ObjectMapper();
  static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** Reads JSON as the databind codec did. */
  static final ObjectMapper STRICT =
      new ObjectMapper()
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  @TempDir Path tmp;

  /** A codec under comparison. */
  interface Codec {
    Manifest read(String setId, byte[] bytes);

    void authenticate(String setId, byte[] bytes, SetKeys keys);
  }

  static final Codec NEW =
      new Codec() {
        @Override
        public Manifest read(String setId, byte[] bytes) {
          return ManifestCodec.read(setId, bytes);
        }

        @Override
        public void authenticate(String setId, byte[] bytes, SetKeys keys) {
          ManifestCodec.authenticate(setId, bytes, keys);
        }
      };

  static final Codec LEGACY =
      new Codec() {
        @Override
        public Manifest read(String setId, byte[] bytes) {
          return LegacyManifestCodec.read(setId, bytes);
        }

        @Override
        public void authenticate(String setId, byte[] bytes, SetKeys keys) {
          LegacyManifestCodec.authenticate(setId, bytes, keys);
        }
      };

  static Properties keyFile() throws IOException {
    Properties p = new Properties();
    p.load(
        new StringReader(
            new String(ManifestFixtures.resource("v2-encrypted.key"), StandardCharsets.UTF_8)));
    return p;
  }

  static byte[] masterKey() throws IOException {
    return HexFormat.of().parseHex(keyFile().getProperty("masterKey"));
  }

  static String wrappedKey() throws IOException {
    return keyFile().getProperty("wrappedKey");
  }

  static SetKeys keys() throws IOException, GeneralSecurityException {
    return SetKeys.unwrap(
        masterKey(), ManifestFixtures.ENCRYPTED_ID, Base64.getDecoder().decode(wrappedKey()));
  }

  @Test
  void plain_readsAsTheManifestItWasWrittenFrom() {
    Manifest manifest =
        ManifestCodec.read(ManifestFixtures.PLAIN_ID, ManifestFixtures.resource("v2-plain.json"));

    assertThat(manifest).isEqualTo(ManifestFixtures.plain());
    assertThat(manifest.targets()).hasSize(3);
    assertThat(manifest.target("volume", "certs").orElseThrow().metadata())
        .containsEntry("quote\"key\\", ManifestFixtures.TRICKY)
        .containsEntry("😀 emoji key", "sorts before U+FFFD by UTF-16 unit, after it by code point")
        .hasSize(10);
    assertThat(manifest.target("postgres", "app-db").orElseThrow().artifacts())
        .extracting(Manifest.Artifact::size)
        .containsExactly(2_147_483_648L, 0L, Long.MAX_VALUE, 2_147_483_647L);
    assertThat(manifest.startedAt()).isEqualTo(Instant.parse("2024-01-02T03:04:05.123456789Z"));
    assertThat(manifest.encryption()).isNull();
  }

  @Test
  void plain_writesTheSameBytesAsTheDatabindCodec() {
    assertThat(new String(ManifestCodec.write(ManifestFixtures.plain()), StandardCharsets.UTF_8))
        .isEqualTo(new String(ManifestFixtures.resource("v2-plain.json"), StandardCharsets.UTF_8));
    assertThat(ManifestCodec.write(ManifestFixtures.plain()))
        .isEqualTo(ManifestFixtures.resource("v2-plain.json"));
  }

  @Test
  void canonicalBytes_areTheDatabindOnes_andTheRecordedChecksumsMatchThem() throws IOException {
    for (String name : new String[] {"v2-plain", "v2-encrypted"}) {
      byte[] json = ManifestFixtures.resource(name + ".json");
      Object tree = ManifestCodec.parse(json);

      assertThat(new String(ManifestCodec.canonical(tree), StandardCharsets.UTF_8))
          .as(name)
          .isEqualTo(
              new String(
                  ManifestFixtures.resource(name + ".canonical.json"), StandardCharsets.UTF_8));
      assertThat(ManifestCodec.canonical(tree))
          .isEqualTo(ManifestFixtures.resource(name + ".canonical.json"));

      ObjectNode root = (ObjectNode) MAPPER.readTree(json);
      String recorded = ((ObjectNode) root.get("integrity")).remove("sha256").asText();
      assertThat(
              HexFormat.of()
                  .formatHex(
                      Sha256.digest()
                          .digest(
                              ManifestCodec.canonical(
                                  ManifestCodec.parse(MAPPER.writeValueAsBytes(root))))))
          .as(name + " integrity.sha256")
          .isEqualTo(recorded);
    }
  }

  @Test
  void encrypted_readsAuthenticatesAndWritesTheSameBytes() throws Exception {
    byte[] json = ManifestFixtures.resource("v2-encrypted.json");
    SetKeys keys = keys();

    Manifest manifest = ManifestCodec.read(ManifestFixtures.ENCRYPTED_ID, json);
    ManifestCodec.authenticate(ManifestFixtures.ENCRYPTED_ID, json, keys);

    assertThat(manifest).isEqualTo(ManifestFixtures.encrypted(wrappedKey()));
    assertThat(manifest.encryption().wrappedKey()).isEqualTo(wrappedKey());
    assertThat(manifest.encryption().chunkSize()).isEqualTo(65536);
    assertThat(manifest.encryption().keySource()).isEqualTo("raw");
    assertThat(ManifestCodec.write(manifest, keys)).isEqualTo(json);
    assertThat(ManifestCodec.write(ManifestFixtures.encrypted(wrappedKey()), keys)).isEqualTo(json);
  }

  @Test
  void fixtures_throughTheCatalog_withAndWithoutTheRawKey() throws IOException {
    FileSystemSink sink = FileSystemSink.of(tmp);
    for (String[] f :
        new String[][] {
          {ManifestFixtures.PLAIN_ID, "v2-plain.json"},
          {ManifestFixtures.ENCRYPTED_ID, "v2-encrypted.json"},
          {ManifestFixtures.V1_ID, "v1-plain.json"}
        }) {
      Path dir = Files.createDirectories(tmp.resolve("sets/" + f[0]));
      Files.write(dir.resolve("manifest.json"), ManifestFixtures.resource(f[1]));
    }
    Encryption encryption = Encryption.aes256Gcm(KeySource.raw(masterKey()));

    assertThat(
            BackupCatalog.builder(sink)
                .encryption(encryption)
                .build()
                .manifest(ManifestFixtures.ENCRYPTED_ID))
        .isEqualTo(ManifestFixtures.encrypted(wrappedKey()));
    assertThat(BackupCatalog.of(sink).manifest(ManifestFixtures.ENCRYPTED_ID))
        .isEqualTo(ManifestFixtures.encrypted(wrappedKey()));
    assertThat(BackupCatalog.of(sink).manifest(ManifestFixtures.PLAIN_ID))
        .isEqualTo(ManifestFixtures.plain());
    assertThat(BackupCatalog.of(sink).manifest(ManifestFixtures.V1_ID))
        .isEqualTo(ManifestFixtures.v1());
  }

  @Test
  void v1_readsAndWritesTheSameBytes() {
    byte[] json = ManifestFixtures.resource("v1-plain.json");

    assertThat(ManifestCodec.read(ManifestFixtures.V1_ID, json)).isEqualTo(ManifestFixtures.v1());
    assertThat(ManifestCodec.write(ManifestFixtures.v1())).isEqualTo(json);
  }

  @Test
  void writeOfRead_sameManifestAndBytes_thatVerifyWithBothCodecs() throws Exception {
    SetKeys keys = keys();
    for (String[] f :
        new String[][] {
          {ManifestFixtures.PLAIN_ID, "v2-plain.json"},
          {ManifestFixtures.ENCRYPTED_ID, "v2-encrypted.json"},
          {ManifestFixtures.V1_ID, "v1-plain.json"}
        }) {
      byte[] json = ManifestFixtures.resource(f[1]);
      Manifest manifest = ManifestCodec.read(f[0], json);
      SetKeys k = manifest.encrypted() ? keys : null;

      byte[] again = ManifestCodec.write(manifest, k);

      assertThat(again).as(f[1]).isEqualTo(json);
      assertThat(ManifestCodec.read(f[0], again)).isEqualTo(manifest);
      assertThat(LegacyManifestCodec.read(f[0], again)).isEqualTo(manifest);
      if (k != null) {
        ManifestCodec.authenticate(f[0], again, k);
        LegacyManifestCodec.authenticate(f[0], again, k);
      }
    }
  }

  @Test
  void editedFixture_isDamaged_andWithItsChecksumRecomputed_failsAuthentication() throws Exception {
    byte[] json = ManifestFixtures.resource("v2-encrypted.json");
    String text = new String(json, StandardCharsets.UTF_8).replace("5000000000", "5000000001");

    assertThatThrownBy(
            () ->
                ManifestCodec.read(
                    ManifestFixtures.ENCRYPTED_ID, text.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IntegrityException.class)
        .hasMessageStartingWith(
            "manifest of set " + ManifestFixtures.ENCRYPTED_ID + " is damaged: its SHA-256 is ");
    ObjectNode root = (ObjectNode) MAPPER.readTree(text);
    byte[] rechecksummed = Tamper.rechecksum(root);
    assertThat(ManifestCodec.read(ManifestFixtures.ENCRYPTED_ID, rechecksummed).totalSize())
        .isEqualTo(ManifestFixtures.encrypted(wrappedKey()).totalSize() + 1);
    assertThatThrownBy(
            () -> ManifestCodec.authenticate(ManifestFixtures.ENCRYPTED_ID, rechecksummed, keys()))
        .isInstanceOf(IntegrityException.class)
        .hasMessage(
            "manifest of set "
                + ManifestFixtures.ENCRYPTED_ID
                + " fails authentication"
                + " (HMAC mismatch): it was changed after the backup; restore another set");
  }

  static Stream<String> cases() throws IOException, URISyntaxException {
    Path dir = Path.of(ManifestCodecCompatTest.class.getResource("/manifests/cases").toURI());
    try (Stream<Path> files = Files.list(dir)) {
      List<String> names =
          files
              .map(p -> p.getFileName().toString())
              .filter(n -> n.endsWith(".json"))
              .map(n -> n.substring(0, n.length() - 5))
              .sorted()
              .toList();
      assertThat(names).hasSizeGreaterThan(100);
      return names.stream();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void recordedCase_sameOutcomeAsTheDatabindCodec(String name) throws Exception {
    byte[] input = ManifestFixtures.resource("cases/" + name + ".json");
    String expected =
        new String(
            ManifestFixtures.resource("cases/" + name + ".expected"), StandardCharsets.UTF_8);

    String strict =
        ManifestFixtures.hasResource("cases/" + name + ".strict")
            ? new String(
                ManifestFixtures.resource("cases/" + name + ".strict"), StandardCharsets.UTF_8)
            : expected;

    assertThat(outcome(NEW, ManifestFixtures.caseSetId(name), input, keys())).isEqualTo(strict);
    assertThat(outcome(LEGACY, ManifestFixtures.caseSetId(name), input, keys()))
        .as("the reference codec still says what it said")
        .isEqualTo(expected);
    if (!strict.equals(expected)) {
      assertStricter(strict, expected);
    }
    sameCanonicalBytes(input);
  }

  /**
   * Where the strict reader and the databind one differ, the strict one refused, naming a field,
   * what the lenient one read or refused for another reason: it never accepts more.
   */
  static void assertStricter(String strict, String lenient) {
    assertThat(strict)
        .as("lenient: " + lenient)
        .startsWith("read: com.avnology.backup.IntegrityException: manifest of set ")
        .contains(" is malformed (field '");
  }

  /**
   * Returns what a codec reads from the bytes or throws, and if it reads an encrypted manifest of
   * the encrypted fixture's set, what authenticating it with the set's keys does, as recorded in
   * {@code manifests/cases/*.expected}.
   */
  static String outcome(Codec codec, String setId, byte[] bytes, SetKeys keys) {
    Manifest m;
    try {
      m = codec.read(setId, bytes);
    } catch (RuntimeException failure) {
      return "read: " + failure.getClass().getName() + ": " + failure.getMessage() + "\n";
    }
    String out = "read: OK\n" + ManifestFixtures.describe(m) + "\n";
    if (m.encrypted() && m.id().equals(ManifestFixtures.ENCRYPTED_ID)) {
      try {
        codec.authenticate(m.id(), bytes, keys);
        out += "authenticate: OK\n";
      } catch (RuntimeException failure) {
        out += "authenticate: " + failure.getClass().getName() + ": " + failure.getMessage() + "\n";
      }
    }
    return out;
  }

  /** If databind reads the bytes as JSON, both codecs' canonical bytes for them are the same. */
  static void sameCanonicalBytes(byte[] input) {
    JsonNode reference;
    try {
      reference = STRICT.readTree(input);
    } catch (IOException notJson) {
      assertThatThrownBy(() -> ManifestCodec.parse(input))
          .isInstanceOf(IOException.class)
          .hasMessage(notJson.getMessage());
      return;
    }
    Object tree;
    try {
      tree = ManifestCodec.parse(input);
    } catch (IOException e) {
      throw new AssertionError("databind reads it, the streaming codec does not", e);
    }
    if (reference.isMissingNode()) {
      assertThat(tree).isNull();
      return;
    }
    assertThat(new String(ManifestCodec.canonical(tree), StandardCharsets.UTF_8))
        .isEqualTo(new String(LegacyManifestCodec.canonical(reference), StandardCharsets.UTF_8));
    assertThat(ManifestCodec.canonical(tree)).isEqualTo(LegacyManifestCodec.canonical(reference));
  }

  @Test
  void mutatedFixtures_sameOutcomeAndCanonicalBytesAsTheDatabindCodec() throws Exception {
    SetKeys keys = keys();
    Random random = new Random(7);
    int trials = 0;
    for (String[] f :
        new String[][] {
          {ManifestFixtures.PLAIN_ID, "v2-plain.json"},
          {ManifestFixtures.ENCRYPTED_ID, "v2-encrypted.json"},
          {ManifestFixtures.V1_ID, "v1-plain.json"}
        }) {
      byte[] pristine = ManifestFixtures.resource(f[1]);
      for (int t = 0; t < 1500; t++) {
        byte[] input = t % 2 == 0 ? bytewise(pristine, random) : structural(pristine, random);
        String what = f[1] + " trial " + t + ": " + new String(input, StandardCharsets.UTF_8);
        try {
          String strict = outcome(NEW, f[0], input, keys);
          String lenient = outcome(LEGACY, f[0], input, keys);
          if (!strict.equals(lenient)) {
            assertStricter(strict, lenient);
          }
          sameCanonicalBytes(input);
        } catch (AssertionError e) {
          throw new AssertionError(what, e);
        }
        trials++;
      }
    }
    assertThat(trials).isEqualTo(4500);
  }

  static final String[] TOKENS = {
    "\"",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "null",
    "true",
    "false",
    "1e400",
    "-0",
    "2.5",
    "99999999999999999999",
    "\"x\"",
    "\\u0000",
    "\\uD800",
    " ",
    "\n",
    "0",
    "-1",
    "1E2",
    "\"formatVersion\":",
    "\"integrity\":",
    "{}",
    "[]",
    "\u00e9",
    "\\\"",
    "\"sha256\":\"\"",
    "3000000000"
  };

  static byte[] bytewise(byte[] pristine, Random random) {
    byte[] b = pristine.clone();
    int at = random.nextInt(b.length);
    switch (random.nextInt(4)) {
      case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
      case 1 -> {
        int n = Math.min(1 + random.nextInt(20), b.length - at);
        byte[] out = new byte[b.length - n];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(b, at + n, out, at, b.length - at - n);
        b = out;
      }
      case 2 -> b = java.util.Arrays.copyOf(b, at);
      default -> {
        byte[] token = TOKENS[random.nextInt(TOKENS.length)].getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[b.length + token.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(token, 0, out, at, token.length);
        System.arraycopy(b, at, out, at + token.length, b.length - at);
        b = out;
      }
    }
    return b;
  }

  /** Replaces, removes or adds one value of the tree; half the time recomputes the checksum. */
  static byte[] structural(byte[] pristine, Random random) throws IOException {
    ObjectNode root = (ObjectNode) MAPPER.readTree(pristine);
    List<JsonNode> containers = new ArrayList<>();
    collect(root, containers);
    for (int edits = 1 + random.nextInt(2); edits > 0; edits--) {
      JsonNode c = containers.get(random.nextInt(containers.size()));
      if (c instanceof ObjectNode o) {
        List<String> names = new ArrayList<>();
        o.fieldNames().forEachRemaining(names::add);
        String name =
            names.isEmpty() || random.nextInt(5) == 0
                ? randomString(random, 4)
                : names.get(random.nextInt(names.size()));
        if (random.nextInt(4) == 0) {
          o.remove(name);
        } else {
          o.set(name, randomValue(random, 2));
        }
      } else if (c instanceof ArrayNode a) {
        if (a.isEmpty() || random.nextInt(3) == 0) {
          a.add(randomValue(random, 2));
        } else {
          a.set(random.nextInt(a.size()), randomValue(random, 2));
        }
      }
    }
    if (random.nextBoolean() && root.get("integrity") instanceof ObjectNode) {
      return Tamper.rechecksum(root);
    }
    return random.nextBoolean() ? PRETTY.writeValueAsBytes(root) : MAPPER.writeValueAsBytes(root);
  }

  static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      node.forEach(child -> collect(child, out));
    }
  }

  static final String PALETTE =
      "aZ09 _-.:/\"\\\n\t\u0000\u0001\u001f\u007f\u00e9\u00c4\u2028"
          + "\uE000\uFFFD\uD83D\uDE00\uD800\uDC00";

  static String randomString(Random random, int max) {
    StringBuilder s = new StringBuilder();
    for (int n = random.nextInt(max + 1); n > 0; n--) {
      s.append(PALETTE.charAt(random.nextInt(PALETTE.length())));
    }
    return s.toString();
  }

  static JsonNode randomValue(Random random, int depth) {
    JsonNodeFactory f = JsonNodeFactory.instance;
    switch (random.nextInt(depth > 0 ? 12 : 10)) {
      case 0 -> {
        return f.textNode(randomString(random, 8));
      }
      case 1 -> {
        return f.numberNode(random.nextInt(5) - 1);
      }
      case 2 -> {
        return f.numberNode(random.nextInt());
      }
      case 3 -> {
        return f.numberNode(random.nextLong());
      }
      case 4 -> {
        return f.numberNode(
            new BigInteger(64 + random.nextInt(100), random)
                .multiply(BigInteger.valueOf(random.nextBoolean() ? 1 : -1)));
      }
      case 5 -> {
        return f.numberNode(randomDouble(random));
      }
      case 6 -> {
        return f.booleanNode(random.nextBoolean());
      }
      case 7 -> {
        return f.nullNode();
      }
      case 8 -> {
        return f.textNode(Long.toString(random.nextLong()));
      }
      case 9 -> {
        return f.textNode(Instant.ofEpochSecond(random.nextInt()).toString());
      }
      case 10 -> {
        ObjectNode o = f.objectNode();
        for (int n = random.nextInt(4); n > 0; n--) {
          o.set(randomString(random, 3), randomValue(random, depth - 1));
        }
        return o;
      }
      default -> {
        ArrayNode a = f.arrayNode();
        for (int n = random.nextInt(4); n > 0; n--) {
          a.add(randomValue(random, depth - 1));
        }
        return a;
      }
    }
  }

  static double randomDouble(Random random) {
    double[] special = {
      -0.0,
      0.0,
      0.1,
      1e-7,
      1e-3,
      1e7,
      1e21,
      1e22,
      2.5,
      1.0,
      3.0e9,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      4.9e-324,
      9007199254740992.0,
      123456789.125
    };
    return random.nextBoolean()
        ? special[random.nextInt(special.length)]
        : Double.longBitsToDouble(random.nextLong() & 0x7fefffffffffffffL)
            * (random.nextBoolean() ? 1 : -1);
  }

  @Test
  void randomTrees_sameCanonicalBytesAsTheDatabindCodec() throws IOException {
    Random random = new Random(8);
    for (int t = 0; t < 3000; t++) {
      JsonNode tree = randomValue(random, 4);
      byte[] text =
          random.nextBoolean() ? MAPPER.writeValueAsBytes(tree) : PRETTY.writeValueAsBytes(tree);
      sameCanonicalBytes(text);
    }
  }

  @Test
  void randomManifests_sameBytesAsTheDatabindCodec() throws Exception {
    Random random = new Random(9);
    byte[] master = masterKey();
    for (int t = 0; t < 500; t++) {
      String id = String.format("20240102T030405.%03dZ-%06x", t % 1000, random.nextInt(1 << 24));
      List<Manifest.Target> targets = new ArrayList<>();
      for (int n = random.nextInt(4); n > 0; n--) {
        List<Manifest.Artifact> artifacts = new ArrayList<>();
        for (int a = random.nextInt(4); a > 0; a--) {
          long size =
              switch (random.nextInt(4)) {
                case 0 -> random.nextInt(Integer.MAX_VALUE);
                case 1 -> Integer.MAX_VALUE + (long) random.nextInt(3);
                case 2 -> Long.MAX_VALUE;
                default -> random.nextLong() & Long.MAX_VALUE;
              };
          artifacts.add(
              Manifest.Artifact.builder(randomString(random, 12))
                  .size(size)
                  .sha256(randomString(random, 6))
                  .compression(randomString(random, 4))
                  .build());
        }
        targets.add(
            Manifest.Target.builder(randomString(random, 5), randomString(random, 5))
                .options(randomMap(random))
                .metadata(randomMap(random))
                .artifacts(artifacts)
                .build());
      }
      Instant started =
          Instant.ofEpochSecond(
              random.nextInt() & Integer.MAX_VALUE, random.nextInt(1_000_000_000));
      Instant finished = started.plusNanos(random.nextLong() & 0xffffffffffL);
      boolean encrypted = random.nextBoolean();
      SetKeys keys = null;
      Manifest.Encryption encryption = null;
      if (encrypted) {
        SetKeys.Created created = SetKeys.create(master, id);
        keys = created.keys();
        encryption =
            Manifest.Encryption.builder()
                .cipher(randomString(random, 6))
                .chunkSize(random.nextInt())
                .keySource(randomString(random, 4))
                .kdf(randomString(random, 4))
                .kdfIterations(random.nextInt())
                .kdfSalt(randomString(random, 4))
                .wrappedKey(Base64.getEncoder().encodeToString(created.wrapped()))
                .build();
      }
      Manifest.Builder builder =
          Manifest.builder(id)
              .formatVersion(encrypted ? 2 : 1 + random.nextInt(2))
              .startedAt(started)
              .finishedAt(finished)
              .libraryVersion(randomString(random, 8))
              .targets(targets);
      Manifest manifest = (encryption == null ? builder : builder.encryption(encryption)).build();

      byte[] written = ManifestCodec.write(manifest, keys);

      assertThat(new String(written, StandardCharsets.UTF_8))
          .as("trial " + t)
          .isEqualTo(new String(LegacyManifestCodec.write(manifest, keys), StandardCharsets.UTF_8));
      assertThat(written).isEqualTo(LegacyManifestCodec.write(manifest, keys));
      Manifest read = ManifestCodec.read(id, written);
      assertThat(ManifestFixtures.describe(read))
          .isEqualTo(ManifestFixtures.describe(LegacyManifestCodec.read(id, written)));
      assertThat(ManifestCodec.write(read, keys)).isEqualTo(written);
      if (keys != null) {
        ManifestCodec.authenticate(id, written, keys);
      }
    }
  }

  static Map<String, String> randomMap(Random random) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int n = random.nextInt(6); n > 0; n--) {
      map.put(randomString(random, 6), randomString(random, 10));
    }
    return map;
  }
}
