/**
 * Reads a database's catalog over JDBC and turns it into pg_dump TOC entries. <strong>Internal, not
 * API</strong>: anything here may change in any release.
 */
package com.avnology.backup.postgres.internal.catalog;
