package com.avnology.backup.postgres.seeding;

/**
 * How a {@link DatabaseSnapshot} gives each test its copy.
 *
 * <p>Measured on the Ory Kratos schema (346 migrations; see the README): a template copy takes
 * about 2% of the time of the migrations, a restore from the archive about 10%; a reset is cheapest
 * when a test changes few tables but serialises the tests.
 */
public enum SeedMode {
  /**
   * {@code CREATE DATABASE copy TEMPLATE snapshot} on the same server: the fastest, and each test
   * its own database, so tests may run in parallel. Needs CREATEDB; the snapshot database takes no
   * connections after the capture.
   */
  TEMPLATE,
  /**
   * A new empty database per test, filled from the snapshot's pg_dump archive with this library's
   * restore engine. Needs CREATEDB; for servers where template copies are refused or slow.
   */
  RESTORE,
  /**
   * One database, the one the JDBC URL names, seeded in place; after each test only the tables
   * whose {@code pg_stat_user_tables} counters moved are truncated and reloaded from memory, and
   * moved sequences are set back. Needs no CREATEDB (a managed server); tests take the database one
   * at a time; schema changes are not undone.
   */
  RESET
}
