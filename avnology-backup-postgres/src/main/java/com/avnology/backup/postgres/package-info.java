/**
 * The PostgreSQL engine: logical backups in pure Java over JDBC, written as pg_dump
 * directory-format archives, and their restore.
 */
package com.avnology.backup.postgres;
