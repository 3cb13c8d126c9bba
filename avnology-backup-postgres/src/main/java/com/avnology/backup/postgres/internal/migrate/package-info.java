/**
 * Non-API internals of {@link com.avnology.backup.postgres.Migrations}: the Flyway setup, the
 * append-only guard, undo scripts, the migration lock and the safety snapshot.
 */
package com.avnology.backup.postgres.internal.migrate;
