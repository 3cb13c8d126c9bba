/**
 * Seeded databases for integration tests: capture a database once ({@link
 * com.avnology.backup.postgres.seeding.DatabaseSnapshot}), from migrations, SQL files, another
 * database, a backup set or a pg_dump archive ({@link com.avnology.backup.postgres.seeding.Seed}),
 * then give every test its own copy ({@link com.avnology.backup.postgres.seeding.SeededDatabase}),
 * by hand or through the JUnit 5 {@link com.avnology.backup.postgres.seeding.SeedingExtension}
 * (JUnit is an optional dependency: only that class needs it).
 */
package com.avnology.backup.postgres.seeding;
