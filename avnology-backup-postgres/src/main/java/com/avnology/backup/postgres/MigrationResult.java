package com.avnology.backup.postgres;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@link Migrations#migrate()} did.
 *
 * @param applied the migrations applied by this call, in order; empty when the schema was up to
 *     date (or another instance applied them first)
 * @param versionBefore the schema version before, null for an empty schema history
 * @param versionAfter the schema version after, null for an empty schema history
 * @param snapshotSetId the safety snapshot's backup set id when one was taken, else null
 * @param duration the call's wall time, including waiting for the lock and the snapshot
 */
public record MigrationResult(
    List<AppliedMigration> applied,
    String versionBefore,
    String versionAfter,
    String snapshotSetId,
    Duration duration) {
  /**
   * Copies the list.
   *
   * @param applied the migrations applied by this call, in order; empty when the schema was up to
   *     date (or another instance applied them first)
   * @param versionBefore the schema version before, null for an empty schema history
   * @param versionAfter the schema version after, null for an empty schema history
   * @param snapshotSetId the safety snapshot's backup set id when one was taken, else null
   * @param duration the call's wall time, including waiting for the lock and the snapshot
   */
  public MigrationResult {
    applied = List.copyOf(applied);
  }

  /** {@return the safety snapshot's set id, if one was taken} */
  public Optional<String> snapshot() {
    return Optional.ofNullable(snapshotSetId);
  }

  /** {@return the versions applied, in order} */
  public List<String> versions() {
    return applied.stream().map(AppliedMigration::version).toList();
  }
}
