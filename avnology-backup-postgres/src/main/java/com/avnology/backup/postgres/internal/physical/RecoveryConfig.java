package com.avnology.backup.postgres.internal.physical;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes recovery settings into a restored data directory: {@code recovery.signal} and lines
 * appended to {@code postgresql.auto.conf} (later lines win there). Stateless.
 */
public final class RecoveryConfig {
  private RecoveryConfig() {}

  /**
   * Writes the recovery settings.
   *
   * @param dataDirectory the restored data directory
   * @param setId the set restored, for a comment
   * @param settings settings to append, such as restore_command
   */
  public static void write(Path dataDirectory, String setId, Map<String, String> settings)
      throws IOException {
    StringBuilder text =
        new StringBuilder(
            "\n# recovery settings written by avnology-backup when"
                + " restoring set "
                + setId
                + "\n");
    settings.forEach(
        (k, v) -> text.append(k).append(" = '").append(v.replace("'", "''")).append("'\n"));
    Files.writeString(
        dataDirectory.resolve("postgresql.auto.conf"),
        text,
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Files.write(dataDirectory.resolve("recovery.signal"), new byte[0]);
  }
}
