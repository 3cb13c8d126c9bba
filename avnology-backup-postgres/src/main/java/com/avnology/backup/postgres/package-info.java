/**
 * The PostgreSQL engine: {@link com.avnology.backup.postgres.PostgresTarget} backs up a database
 * in pure Java over JDBC as a pg_dump directory-format archive and restores one.
 */
package com.avnology.backup.postgres;
