/**
 * The PostgreSQL engine: {@link com.avnology.backup.postgres.PostgresTarget} backs up a database in
 * pure Java over JDBC as a pg_dump directory-format archive and restores one; {@link
 * com.avnology.backup.postgres.Migrations} applies, validates and rolls back schema migrations over
 * Flyway, optionally behind a safety snapshot taken with that engine.
 */
package com.avnology.backup.postgres;
