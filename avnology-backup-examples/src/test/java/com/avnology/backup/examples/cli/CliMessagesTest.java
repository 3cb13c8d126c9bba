package com.avnology.backup.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Library phrases the CLI tests do not provoke with real components. */
final class CliMessagesTest {
  @Test
  void translate_safetySnapshotAndPassphrase_becomeFlags() {
    assertThat(
            CliMessages.translate(
                "safety snapshot into /x failed, nothing was migrated: disk"
                    + " full; fix the snapshot directory or migrate without safetySnapshot()"))
        .endsWith("fix the snapshot directory or migrate without --snapshot");
    assertThat(
            CliMessages.translate(
                "the key given (KeySource.passphrase(****)) does not open" + " set s1"))
        .isEqualTo("the key given (the passphrase of --passphrase-env) does not open set s1");
  }

  @Test
  void translate_repeatedPrefix_isSaidOnce() {
    assertThat(
            CliMessages.translate(
                "backup of postgres/main failed, set s1 was not published:"
                    + " backup of postgres/main failed: copying table public.t failed: boom"))
        .isEqualTo(
            "backup of postgres/main failed, set s1 was not published: copying table"
                + " public.t failed: boom");
  }

  @Test
  void left_findsTheClauseSayingWhatWasLeft() {
    assertThat(CliMessages.left("set s1 is damaged, nothing was restored: x"))
        .hasValue("nothing was restored");
    assertThat(CliMessages.left("unsupported sink 'ftp://x'")).isEmpty();
  }
}
