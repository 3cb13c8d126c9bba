/**
 * avnology-backup for PostgreSQL: logical backups written as pg_dump archives, physical backups,
 * Flyway migrations and test-database seeding.
 *
 * <p>Only the API packages are exported; the {@code internal} packages are not.
 */
module com.avnology.backup.postgres {
  exports com.avnology.backup.postgres;
  exports com.avnology.backup.postgres.physical;
  exports com.avnology.backup.postgres.seeding;

  requires transitive com.avnology.backup;
  requires transitive java.sql;
  requires java.net.http;
  requires java.logging;
  // PgJDBC's data sources are javax.naming.Referenceable
  requires java.naming;
  requires org.postgresql.jdbc;
  requires org.apache.commons.compress;
  requires com.github.luben.zstd_jni;
  requires org.slf4j;
  requires flyway.core;
  requires flyway.database.postgresql;
  // SeedingExtension is a JUnit 5 extension: only its users need JUnit, and they require it
  requires static org.junit.jupiter.api;
}
