package com.avnology.backup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.avnology.backup.testing.TreeSnapshot;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class EncryptionTest {
  static final byte[] KEY = new byte[32];
  static final byte[] OTHER_KEY = new byte[32];

  static {
    new Random(1).nextBytes(KEY);
    new Random(2).nextBytes(OTHER_KEY);
  }

  @TempDir Path tmp;
  Path volume;
  FileSystemSink sink;
  Encryption encryption = Encryption.aes256Gcm(KeySource.raw(KEY));

  @BeforeEach
  void volume() throws IOException {
    volume = Files.createDirectories(tmp.resolve("v"));
    byte[] random = new byte[300_000];
    new Random(3).nextBytes(random);
    Files.write(volume.resolve("random.bin"), random); // several 64 KiB chunks
    Files.writeString(volume.resolve("plain.txt"), "SECRET-PLAINTEXT-MARKER\n".repeat(100));
    Files.createDirectories(volume.resolve("sub"));
    Files.writeString(volume.resolve("sub/empty.txt"), "");
    for (String p : new String[] {"random.bin", "plain.txt", "sub/empty.txt", "sub", ""}) {
      Files.setLastModifiedTime(
          volume.resolve(p), // tar keeps 100 ns
          java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2024-01-02T03:04:05Z")));
    }
    sink = FileSystemSink.of(tmp.resolve("sink"));
  }

  private BackupResult backup(Encryption enc, Compression compression) {
    return Backup.builder()
        .target(VolumeTarget.of("v", volume))
        .sink(sink)
        .compression(compression)
        .encryption(enc)
        .build()
        .run();
  }

  private Path setDir(String id) {
    return sink.root().resolve("sets/" + id);
  }

  @Test
  void roundTrip_rawKey_everyCompression_sameTreeAndNoPlaintextStored() throws IOException {
    for (String c : new String[] {"none", "gzip:6", "zstd:3"}) {
      BackupResult result = backup(encryption, Compression.parse(c));
      Manifest.Artifact artifact = result.targets().get(0).artifacts().get(0);
      Path stored = setDir(result.setId()).resolve(artifact.path());
      byte[] bytes = Files.readAllBytes(stored);

      assertThat(new String(bytes, StandardCharsets.ISO_8859_1))
          .doesNotContain("SECRET-PLAINTEXT-MARKER")
          .doesNotContain("ustar")
          .startsWith("AVE1");
      assertThat(HexFormat.of().formatHex(sha256(bytes)))
          .as("the manifest hashes the stored, encrypted bytes")
          .isEqualTo(artifact.sha256());
      assertThat(BackupCatalog.of(sink).verify(result.setId()).ok())
          .as("verify works without the key")
          .isTrue();
      assertThat(
              BackupCatalog.builder(sink)
                  .encryption(encryption)
                  .build()
                  .verify(result.setId())
                  .failures())
          .isEmpty();
      Path out = tmp.resolve("out-" + c.replace(':', '-'));
      RestorePlan.builder(sink)
          .set(result.setId())
          .encryption(encryption)
          .volume("v", out)
          .build()
          .execute();
      assertThat(TreeSnapshot.of(out)).isEqualTo(TreeSnapshot.of(volume));
    }
  }

  @Test
  void manifest_encryptedSet_recordsWrappedKeyAndHmacButNoKey() throws IOException {
    BackupResult result = backup(encryption, Compression.zstd(3));
    String json = Files.readString(setDir(result.setId()).resolve("manifest.json"));
    Manifest manifest = BackupCatalog.of(sink).manifest(result.setId());

    assertThat(manifest.formatVersion()).isEqualTo(2);
    assertThat(manifest.encryption())
        .satisfies(
            e -> {
              assertThat(e.cipher()).isEqualTo("AES-256-GCM-STREAM");
              assertThat(e.chunkSize()).isEqualTo(65536);
              assertThat(e.keySource()).isEqualTo("raw");
              assertThat(e.kdf()).isEqualTo("none");
              assertThat(Base64.getDecoder().decode(e.wrappedKey())).hasSize(60);
            });
    assertThat(json)
        .contains("\"hmacSha256\"")
        .contains("\"sha256\"")
        .doesNotContain(Base64.getEncoder().encodeToString(KEY))
        .doesNotContain(HexFormat.of().formatHex(KEY));
  }

  @Test
  void restore_wrongKey_failsBeforeWritingAnything() {
    BackupResult result = backup(encryption, Compression.zstd(3));
    Path out = tmp.resolve("out");
    Encryption wrong = Encryption.aes256Gcm(KeySource.raw(OTHER_KEY));

    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .encryption(wrong)
                    .volume("v", out)
                    .build()
                    .execute())
        .isInstanceOf(KeyException.class)
        .hasMessage(
            "the key given (KeySource.raw(****)) does not open set "
                + result.setId()
                + ": it is the wrong key or passphrase, or the set's key block was changed; nothing"
                + " was restored");
    assertThat(out).doesNotExist();
    assertThatThrownBy(
            () -> BackupCatalog.builder(sink).encryption(wrong).build().verify(result.setId()))
        .isInstanceOf(KeyException.class);
  }

  @Test
  void restore_encryptedSetWithoutKey_failsBeforeWritingAnything() {
    BackupResult result = backup(encryption, Compression.zstd(3));
    Path out = tmp.resolve("out");

    assertThatThrownBy(() -> RestorePlan.builder(sink).latest().volume("v", out).build().execute())
        .isInstanceOf(KeyException.class)
        .hasMessage(
            "set "
                + result.setId()
                + " is encrypted: give its key with encryption(...);"
                + " nothing was restored");
    assertThat(out).doesNotExist();
  }

  @Test
  void restore_unencryptedSetWithKey_isRefusedAsAPossibleReplacement() {
    BackupResult result = backup(null, Compression.zstd(3));
    Path out = tmp.resolve("out");

    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .encryption(encryption)
                    .volume("v", out)
                    .build()
                    .execute())
        .isInstanceOf(KeyException.class)
        .hasMessage(
            "set "
                + result.setId()
                + " is not encrypted, but a key was given: it may"
                + " have replaced an encrypted set; if it is meant to be unencrypted, read it without"
                + " a key");
    assertThat(out).doesNotExist();
  }

  @Test
  void passphrase_roundTrip_wrongPassphraseAndWrongKindRefused() throws IOException {
    Encryption pass =
        Encryption.aes256Gcm(KeySource.passphrase("correct horse battery".toCharArray()));
    BackupResult result = backup(pass, Compression.gzip(1));
    Manifest.Encryption info = BackupCatalog.of(sink).manifest(result.setId()).encryption();
    assertThat(info.kdf()).isEqualTo("PBKDF2-HMAC-SHA256");
    assertThat(info.kdfIterations()).isEqualTo(600_000);
    assertThat(Base64.getDecoder().decode(info.kdfSalt())).hasSize(16);
    assertThat(info.keySource()).isEqualTo("passphrase");

    Path out = tmp.resolve("out");
    RestorePlan.builder(sink)
        .latest()
        .encryption(
            Encryption.aes256Gcm(KeySource.passphrase("correct horse battery".toCharArray())))
        .volume("v", out)
        .build()
        .execute();
    assertThat(TreeSnapshot.of(out)).isEqualTo(TreeSnapshot.of(volume));

    Encryption wrong = Encryption.aes256Gcm(KeySource.passphrase("wrong horse".toCharArray()));
    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .encryption(wrong)
                    .volume("v", tmp.resolve("o2"))
                    .build()
                    .execute())
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("KeySource.passphrase(****)) does not open set");
    assertThatThrownBy(
            () ->
                BackupCatalog.builder(sink).encryption(encryption).build().manifest(result.setId()))
        .isInstanceOf(KeyException.class)
        .hasMessage(
            "set "
                + result.setId()
                + " was encrypted with a passphrase, but"
                + " KeySource.raw(****) was given: give the same kind of key as at backup time");
    assertThat(tmp.resolve("o2")).doesNotExist();
  }

  @Test
  void envKey_interchangeableWithTheSameRawKey() {
    String b64 = Base64.getEncoder().encodeToString(KEY);
    Encryption env = Encryption.aes256Gcm(KeySource.env("AVN_KEY", Map.of("AVN_KEY", b64)::get));
    BackupResult result = backup(env, Compression.zstd(3));

    assertThat(BackupCatalog.of(sink).manifest(result.setId()).encryption().keySource())
        .isEqualTo("env");
    assertThat(
            BackupCatalog.builder(sink).encryption(encryption).build().verify(result.setId()).ok())
        .isTrue();
  }

  @Test
  void backup_keyUnavailable_failsBeforeTheSetIsStarted() {
    Map<String, String> env =
        Map.of(
            "SHORT",
            Base64.getEncoder().encodeToString(new byte[16]),
            "NOT_B64",
            "***not base64***");
    String[][] cases = {
      {
        "MISSING",
        "environment variable MISSING is not set: set it to the base64 of a 32-byte"
            + " key (for example `openssl rand -base64 32`)"
      },
      {
        "SHORT",
        "environment variable SHORT holds a 16-byte key, AES-256 needs 32 bytes:"
            + " generate one with `openssl rand -base64 32`"
      },
      {
        "NOT_B64",
        "environment variable NOT_B64 is not valid base64: it must hold the base64 of"
            + " a 32-byte key"
      }
    };
    for (String[] c : cases) {
      Encryption enc = Encryption.aes256Gcm(KeySource.env(c[0], env::get));
      assertThatThrownBy(() -> backup(enc, Compression.zstd(3)))
          .isInstanceOf(KeyException.class)
          .hasMessage(c[1]);
    }
    assertThat(sink.root().resolve("sets")).as("no set was started").doesNotExist();
    assertThat(sink.root()).as("not even the sink's directory was created").doesNotExist();
  }

  @Test
  void keySources_refuseBadKeysAtOnce() {
    assertThatThrownBy(() -> KeySource.raw(new byte[31]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "an AES-256 key is 32 bytes, this one is 31: generate one with"
                + " `openssl rand -base64 32`");
    assertThatThrownBy(() -> KeySource.passphrase(new char[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the passphrase is empty: give a long passphrase");
    assertThatThrownBy(() -> KeySource.env(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("the environment variable name is empty");
  }

  @Test
  void toString_neverShowsKeyMaterial() {
    byte[] key = KEY.clone();
    KeySource raw = KeySource.raw(key);
    KeySource pass = KeySource.passphrase("hunter2-passphrase".toCharArray());
    Encryption enc = Encryption.aes256Gcm(raw);
    Backup backup =
        Backup.builder().target(VolumeTarget.of("v", volume)).sink(sink).encryption(enc).build();

    assertThat(raw).hasToString("KeySource.raw(****)");
    assertThat(pass).hasToString("KeySource.passphrase(****)");
    assertThat(KeySource.env("BACKUP_KEY")).hasToString("KeySource.env(BACKUP_KEY)");
    assertThat(enc).hasToString("Encryption[AES-256-GCM, KeySource.raw(****)]");
    for (Object o :
        new Object[] {
          raw,
          pass,
          enc,
          backup,
          BackupCatalog.builder(sink).encryption(enc).build(),
          RestorePlan.builder(sink).encryption(enc).volume("v", tmp.resolve("o")).build()
        }) {
      assertThat(o.toString())
          .doesNotContain(HexFormat.of().formatHex(KEY))
          .doesNotContain(Base64.getEncoder().encodeToString(KEY))
          .doesNotContain("hunter2");
    }
  }

  @Test
  void manifest_editedAndChecksumRecomputed_failsAuthenticationWithTheKey() throws IOException {
    BackupResult result = backup(encryption, Compression.zstd(3));
    Path file = setDir(result.setId()).resolve("manifest.json");
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(file.toFile());
    ((ObjectNode) root.get("targets").get(0).get("artifacts").get(0)).put("size", 1);
    Files.write(file, com.avnology.backup.internal.Tamper.rechecksum(root));

    assertThat(BackupCatalog.of(sink).manifest(result.setId()).totalSize())
        .as("without the key a consistent edit passes the checksum")
        .isEqualTo(1);
    assertThatThrownBy(
            () ->
                BackupCatalog.builder(sink).encryption(encryption).build().manifest(result.setId()))
        .isInstanceOf(IntegrityException.class)
        .hasMessage(
            "manifest of set "
                + result.setId()
                + " fails authentication (HMAC mismatch):"
                + " it was changed after the backup; restore another set");

    ((ObjectNode) root.get("integrity")).remove("hmacSha256");
    Files.write(file, com.avnology.backup.internal.Tamper.rechecksum(root));
    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .encryption(encryption)
                    .volume("v", tmp.resolve("o"))
                    .build()
                    .execute())
        .isInstanceOf(IntegrityException.class)
        .hasMessage(
            "manifest of set "
                + result.setId()
                + " is encrypted but carries no HMAC:"
                + " it was changed after the backup; restore another set");
    assertThat(tmp.resolve("o")).doesNotExist();
  }

  @Test
  void manifest_editedWithoutChecksum_isDamagedEvenWithoutAKey() throws IOException {
    BackupResult result = backup(null, Compression.zstd(3));
    Path file = setDir(result.setId()).resolve("manifest.json");
    String json = Files.readString(file);
    String edited = json.replaceFirst("\"entries\" : \"(\\d+)\"", "\"entries\" : \"9$1\"");
    assertThat(edited).isNotEqualTo(json);
    Files.writeString(file, edited);

    assertThatThrownBy(() -> BackupCatalog.of(sink).manifest(result.setId()))
        .isInstanceOf(IntegrityException.class)
        .hasMessageStartingWith(
            "manifest of set " + result.setId() + " is damaged: its SHA-256 is ")
        .hasMessageEndingWith("; the set cannot be trusted, restore another set");
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(file.toFile());
    root.remove("integrity");
    Files.write(file, new ObjectMapper().writeValueAsBytes(root));
    assertThatThrownBy(() -> BackupCatalog.of(sink).manifest(result.setId()))
        .isInstanceOf(IntegrityException.class)
        .hasMessage(
            "manifest of set "
                + result.setId()
                + " is malformed (its integrity checksum"
                + " is missing): the set cannot be trusted; restore another set");
  }

  @Test
  void set_renamedToAnotherId_isRefused() throws IOException {
    BackupResult result = backup(encryption, Compression.zstd(3));
    String other = "20200101T000000.000Z-abcdef";
    Files.move(setDir(result.setId()), setDir(other));

    assertThatThrownBy(
            () -> BackupCatalog.builder(sink).encryption(encryption).build().manifest(other))
        .isInstanceOf(IntegrityException.class)
        .hasMessage(
            "manifest of set "
                + other
                + " belongs to set "
                + result.setId()
                + ": the set was renamed or copied over; restore set "
                + result.setId()
                + " by its own id");
  }

  @Test
  void verifyWithKey_artifactFromAnotherSetWithFixedUpManifest_failsDecryption()
      throws IOException {
    BackupResult first = backup(encryption, Compression.zstd(3));
    BackupResult second = backup(encryption, Compression.zstd(3));
    String path = first.targets().get(0).artifacts().get(0).path();
    Path victim = setDir(second.setId()).resolve(path);
    Files.copy(
        setDir(first.setId()).resolve(path),
        victim,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    // An attacker who can write the sink fixes the size and hash, and the keyless checksum
    Path file = setDir(second.setId()).resolve("manifest.json");
    ObjectNode root = (ObjectNode) new ObjectMapper().readTree(file.toFile());
    byte[] bytes = Files.readAllBytes(victim);
    ((ObjectNode) root.get("targets").get(0).get("artifacts").get(0))
        .put("size", bytes.length)
        .put("sha256", HexFormat.of().formatHex(sha256(bytes)));
    Files.write(file, com.avnology.backup.internal.Tamper.rechecksum(root));

    assertThat(BackupCatalog.of(sink).verify(second.setId()).ok())
        .as("keyless verify cannot tell")
        .isTrue();
    assertThatThrownBy(
            () -> BackupCatalog.builder(sink).encryption(encryption).build().verify(second.setId()))
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining("fails authentication");
    // Without the manifest MAC, the chunk tags alone still refuse the foreign artifact:
    root.remove("integrity");
    Throwable t =
        catchThrowable(
            () ->
                new com.avnology.backup.internal.DecryptingInputStream(
                        Files.newInputStream(victim),
                        com.avnology.backup.internal.SetKeys.unwrap(
                            KEY,
                            second.setId(),
                            Base64.getDecoder()
                                .decode(root.get("encryption").get("wrappedKey").asText())),
                        path)
                    .readAllBytes());
    assertThat(t)
        .isInstanceOf(IntegrityException.class)
        .hasMessage(
            "encrypted artifact "
                + path
                + " fails authentication at chunk 0 (not last):"
                + " it was changed, truncated or reordered after the backup, or the key is wrong: the"
                + " set is damaged; restore another set or repair the copy");
  }

  static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
