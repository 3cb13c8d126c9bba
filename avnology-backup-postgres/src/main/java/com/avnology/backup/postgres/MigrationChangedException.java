package com.avnology.backup.postgres;

import com.avnology.backup.IntegrityException;
import java.util.List;

/**
 * A migration that was already applied (shipped) no longer matches what was recorded when it ran:
 * its content changed, its file was renamed or removed (or a new file was slipped in below it).
 * Migrations are append-only; the fix is to restore the shipped file and write a new migration for
 * the change.
 *
 * <p>Checksums are Flyway's (CRC-32 over the file's lines without their line terminators), so a
 * change of line endings (LF, CRLF, CR) or of the byte-order mark alone does not count as a change.
 */
public class MigrationChangedException extends IntegrityException {
  private static final long serialVersionUID = 1L;

  /**
   * One applied migration that does not match its file.
   *
   * @param version the migration's version, such as {@code 2}
   * @param script the file as recorded in the schema history, such as {@code V2__add_sessions.sql}
   * @param recordedChecksum the checksum recorded when it was applied, null if none was recorded
   * @param currentChecksum the checksum of the file as it is now, null if the file is gone
   * @param problem {@code changed}, {@code renamed}, {@code removed}, or {@code inserted} (a new
   *     file with a version below the latest applied, which would never run)
   */
  public record Change(
      String version,
      String script,
      Integer recordedChecksum,
      Integer currentChecksum,
      String problem) {}

  private final transient List<Change> changes;

  /**
   * @param message what failed, the offending values and the fix
   * @param changes the offending migrations, at least one
   */
  public MigrationChangedException(String message, List<Change> changes) {
    super(message);
    this.changes = List.copyOf(changes);
  }

  /** {@return the offending migrations, in version order} */
  public List<Change> changes() {
    return changes;
  }
}
