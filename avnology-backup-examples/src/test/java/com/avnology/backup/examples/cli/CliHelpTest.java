package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What --help and the summary lines tell an operator. */
final class CliHelpTest {
  @TempDir Path tmp;

  @Test
  void help_sinkOptions_nameBothFileAndS3() {
    assertThat(flat(CliTest.cli("backup", "--help").out()))
        .contains(
            flat(
                "--to=SINK Where the set goes: file:/path or" + " s3://bucket/prefix?endpoint=URL"))
        .contains(flat("s3://bucket/key.dump"));
    for (String command : new String[] {"restore", "verify", "list"}) {
      assertThat(flat(CliTest.cli(command, "--help").out()))
          .as(command)
          .contains(flat("file:/path or s3://bucket/prefix?endpoint=URL"));
    }
  }

  @Test
  void help_fromDump_saysWhatItAccepts() {
    assertThat(flat(CliTest.cli("restore", "--help").out()))
        .contains(flat("custom-format .dump (pg_dump -Fc)"))
        .contains(flat("directory holding toc.dat (-Fd)"))
        .contains(flat("tar file (-Ft)"))
        .contains(flat("none, gzip, lz4 or zstd"));
  }

  @Test
  void restore_withoutTargets_mentionsBucket() {
    CliTest.Run run = CliTest.cli("restore", "--from", "file:" + tmp);

    assertThat(run.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(run.err())
        .contains(
            "nothing to restore: give --postgres JDBC_URL,"
                + " --volume NAME=PATH or --bucket NAME=S3_URI");
  }

  @Test
  void verify_printsTheSetIdAndASummaryLine() throws IOException {
    Path logos = Files.createDirectories(tmp.resolve("logos"));
    Files.writeString(logos.resolve("a.txt"), "alpha");
    String sink = "file:" + tmp.resolve("backups");
    CliTest.cli("backup", "--to", sink, "--volume", "logos=" + logos);
    String id = CliTest.cli("list", "--from", sink).out().split(" ")[0];

    CliTest.Run run = CliTest.cli("verify", "--from", sink);

    assertThat(run.code()).as(run.err()).isZero();
    assertThat(run.out().lines().findFirst()).hasValue("set " + id + " in " + sink);
    assertThat(run.out().strip().lines().reduce((a, b) -> b).orElseThrow())
        .matches("set " + id + ": 1 of 1 artifacts ok \\(\\d+ bytes read\\) in \\d+ ms");
  }

  /** Text without white space: picocli wraps help lines at spaces, colons and slashes. */
  private static String flat(String help) {
    return help.replaceAll("\\s+", "");
  }
}
