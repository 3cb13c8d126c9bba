package com.avnology.backup.postgres;

import java.time.Duration;

/**
 * One migration applied (or rolled back) by {@link Migrations}.
 *
 * @param version such as {@code 2}, or null for a repeatable migration
 * @param description such as {@code add sessions}
 * @param script the file name, such as {@code V2__add_sessions.sql}
 * @param duration how long it ran
 */
public record AppliedMigration(
    String version, String description, String script, Duration duration) {}
