/**
 * Reading and writing pg_dump archives (directory format {@code toc.dat} and its data files),
 * byte-compatible with PostgreSQL's {@code pg_backup_archiver.c} and {@code pg_backup_directory.c}.
 * <strong>Internal, not API</strong>: anything here may change in any release.
 */
package com.avnology.backup.postgres.internal.archive;
