package com.avnology.backup.postgres;

/**
 * What {@link Migrations#rollback()} did.
 *
 * @param migration the migration rolled back (its duration is the undo script's)
 * @param undoScript the undo file that ran, such as {@code U2__add_sessions.sql}
 * @param versionAfter the schema version now, null when no versioned migration is left
 */
public record RollbackResult(AppliedMigration migration, String undoScript, String versionAfter) {}
