package com.avnology.backup.examples.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.PutObjectArgs;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands agree with each other: a missing sink is an error everywhere but for backup, a damaged
 * set is shown by list and never taken as latest, and a dry run refuses as the run does.
 */
final class ConsistencyCliTest {
  @TempDir static Path shared;
  static EmbeddedS3 s3;
  @TempDir Path tmp;

  @BeforeAll
  static void start() throws Exception {
    s3 = new EmbeddedS3(Files.createDirectories(shared.resolve("s3")));
    System.setProperty("aws.accessKeyId", s3.accessKey);
    System.setProperty("aws.secretAccessKey", s3.secretKey);
    for (String b : new String[] {"guard-src", "guard-dst"}) {
      s3.bucket(b);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    s3.close();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
  }

  private static String uri(String bucket) {
    return "s3://" + bucket + "/?endpoint=" + s3.endpoint();
  }

  @Test
  void listVerifyRestore_missingFileSink_failNamingThePath_backupCreatesIt() throws Exception {
    Path missing = tmp.resolve("does/not/exist");
    String sink = "file:" + missing;
    String expected =
        "avnology-backup: error: backup sink file:"
            + missing
            + " does not exist"
            + " (no directory "
            + missing
            + "): check the path; only a backup creates it";

    for (String[] args :
        new String[][] {
          {"list", "--from", sink},
          {"verify", "--from", sink},
          {"restore", "--from", sink, "--volume", "v=" + tmp.resolve("out")}
        }) {
      CliTest.Run run = CliTest.cli(args);
      assertThat(run.code()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(run.err().strip()).as(String.join(" ", args)).isEqualTo(expected);
      assertThat(run.out()).doesNotContain("no backup sets");
    }
    assertThat(tmp.resolve("does")).doesNotExist();

    Files.createDirectories(tmp.resolve("data"));
    CliTest.Run backup =
        CliTest.cli("backup", "--to", sink, "--volume", "v=" + tmp.resolve("data"));
    assertThat(backup.code()).as(backup.err()).isZero();
    assertThat(CliTest.cli("list", "--from", sink).code()).isZero();
  }

  @Test
  void listAndRestore_missingBucket_failNamingTheBucket() {
    for (String[] args :
        new String[][] {
          {"list", "--from", uri("no-such-bucket")},
          {"restore", "--from", uri("no-such-bucket"), "--volume", "v=" + tmp.resolve("out")}
        }) {
      CliTest.Run run = CliTest.cli(args);
      assertThat(run.code()).as(String.join(" ", args)).isEqualTo(1);
      assertThat(run.err()).contains("bucket 'no-such-bucket'").contains("does not exist");
    }
  }

  @Test
  void list_garbageManifest_showsTheSetDamaged_andRestoreLatestTakesTheNewestGood()
      throws Exception {
    String sink = "file:" + tmp.resolve("backups");
    Path data = Files.createDirectories(tmp.resolve("data"));
    Files.writeString(data.resolve("a.txt"), "good");
    String good = setId(CliTest.cli("backup", "--to", sink, "--volume", "v=" + data, "--json"));
    Thread.sleep(5); // set ids sort by their millisecond
    Files.writeString(data.resolve("a.txt"), "damaged");
    String bad = setId(CliTest.cli("backup", "--to", sink, "--volume", "v=" + data, "--json"));
    Files.writeString(tmp.resolve("backups/sets/" + bad + "/manifest.json"), "garbage{\n");

    CliTest.Run list = CliTest.cli("list", "--from", sink);
    assertThat(list.code()).isZero();
    String[] lines = list.out().strip().split("\n");
    assertThat(lines).hasSize(2);
    assertThat(lines[0]).startsWith(bad + "  DAMAGED: manifest of set " + bad + " is malformed (");
    assertThat(lines[1]).startsWith(good + "  ");
    assertThat(list.err()).doesNotContain("\tat ").doesNotContain("Exception:");
    JsonNode json = Json.MAPPER.readTree(CliTest.cli("list", "--from", sink, "--json").out());
    assertThat(json.get(0).get("damaged").asBoolean()).isTrue();
    assertThat(json.get(1).get("damaged").asBoolean()).isFalse();

    Path out = tmp.resolve("out");
    CliTest.Run restore =
        CliTest.cli("restore", "--from", sink, "--set", "latest", "--volume", "v=" + out);
    assertThat(restore.code()).as(restore.err()).isZero();
    assertThat(Files.readString(out.resolve("a.txt"))).isEqualTo("good");
  }

  @Test
  void mirrorDryRun_refusedByTheGuard_failsWithTheRealRunsExitCode() throws Exception {
    put("guard-src", "keep.txt");
    for (String key : new String[] {"keep.txt", "x1", "x2", "x3"}) {
      put("guard-dst", key);
    }
    String[] base = {"mirror", "--from", uri("guard-src"), "--to", uri("guard-dst"), "--remove"};

    CliTest.Run dry = CliTest.cli(concat(base, "--dry-run"));
    CliTest.Run real = CliTest.cli(base);

    assertThat(real.code()).isNotZero();
    assertThat(dry.code()).isEqualTo(real.code());
    assertThat(dry.out()).contains("REMOVE x1");
    assertThat(dry.err().strip())
        .isEqualTo(
            "avnology-backup: error: dry run: mirror"
                + " s3://guard-src/ to s3://guard-dst/ would refuse: it would remove 3 of the 4 objects"
                + " in the destination (75%), more than half; nothing would be done. Check --from, or"
                + " add --force to remove them");
    CliTest.Run forced = CliTest.cli(concat(base, "--dry-run", "--force"));
    assertThat(forced.code()).as(forced.err()).isZero();
  }

  private static String[] concat(String[] base, String... more) {
    String[] all = java.util.Arrays.copyOf(base, base.length + more.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  private static void put(String bucket, String key) throws Exception {
    byte[] data = key.getBytes(UTF_8);
    s3.client()
        .putObject(
            PutObjectArgs.builder().bucket(bucket).object(key).stream(
                    new ByteArrayInputStream(data), data.length, -1)
                .build());
  }

  private static String setId(CliTest.Run backup) throws Exception {
    assertThat(backup.code()).as(backup.err()).isZero();
    return Json.MAPPER.readTree(backup.out()).get("setId").asText();
  }
}
