package com.avnology.backup.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Manifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ManifestCodec} does without jackson-databind, whose loading and initialisation cost the
 * command-line tool 60-160 ms of every start: its class files name no databind class, and a fresh
 * JVM that reads, authenticates and writes manifests loads none.
 */
final class ManifestCodecNoDatabindTest {
  static final String DATABIND = "com/fasterxml/jackson/databind";

  @TempDir Path tmp;

  @Test
  void classFiles_nameNoDatabindClass() throws IOException, URISyntaxException {
    Path classes =
        Path.of(ManifestCodec.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .resolve("com/avnology/backup/internal");
    List<Path> files;
    try (Stream<Path> list = Files.list(classes)) {
      files =
          list.filter(p -> p.getFileName().toString().matches("ManifestCodec(\\$.*)?\\.class"))
              .toList();
    }

    assertThat(files).extracting(p -> p.getFileName().toString()).contains("ManifestCodec.class");
    for (Path file : files) {
      // constant pool strings are modified UTF-8, the same bytes as ASCII for class names
      String pool = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
      assertThat(pool).as(file.toString()).doesNotContain(DATABIND);
    }
    String codec;
    try (InputStream in = ManifestCodec.class.getResourceAsStream("ManifestCodec.class")) {
      codec = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
    assertThat(codec)
        .as("the check looks where Jackson is named")
        .contains("com/fasterxml/jackson/core/JsonParser");
  }

  @Test
  void freshJvm_readAuthenticateWrite_loadsNoDatabindClass() throws Exception {
    Path log = tmp.resolve("classes.log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xlog:class+load=info:file=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                Child.class.getName()));
    Path out = tmp.resolve("child.out");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(2, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("child timed out: " + Files.readString(out));
    }

    assertThat(p.exitValue()).as(Files.readString(out)).isZero();
    assertThat(Files.readString(out)).contains("read, authenticated and wrote 3 manifests");
    List<String> loaded = Files.readAllLines(log);
    assertThat(loaded)
        .as("the log lists classes")
        .anyMatch(l -> l.contains("com.fasterxml.jackson.core.json.UTF8StreamJsonParser"));
    assertThat(loaded).anyMatch(l -> l.contains(ManifestCodec.class.getName() + " "));
    assertThat(loaded).noneMatch(l -> l.contains("com.fasterxml.jackson.databind"));
  }

  /** Reads, authenticates and writes the fixtures, and nothing else. */
  static final class Child {
    public static void main(String[] args) throws Exception {
      int n = 0;
      for (String[] f :
          new String[][] {
            {ManifestFixtures.PLAIN_ID, "v2-plain.json"},
            {ManifestFixtures.ENCRYPTED_ID, "v2-encrypted.json"},
            {ManifestFixtures.V1_ID, "v1-plain.json"}
          }) {
        byte[] json = ManifestFixtures.resource(f[1]);
        Manifest manifest = ManifestCodec.read(f[0], json);
        SetKeys keys = null;
        if (manifest.encrypted()) {
          String key =
              new String(ManifestFixtures.resource("v2-encrypted.key"), StandardCharsets.UTF_8)
                  .replaceAll("(?s).*masterKey=([0-9a-f]+).*", "$1");
          keys =
              SetKeys.unwrap(
                  HexFormat.of().parseHex(key),
                  f[0],
                  Base64.getDecoder().decode(manifest.encryption().wrappedKey()));
          ManifestCodec.authenticate(f[0], json, keys);
        }
        if (!java.util.Arrays.equals(ManifestCodec.write(manifest, keys), json)) {
          throw new AssertionError("wrote other bytes for " + f[1]);
        }
        n++;
      }
      System.out.println("read, authenticated and wrote " + n + " manifests");
    }
  }
}
