/**
 * Implementation of physical backups, the WAL archive and recovery settings. <strong>Not
 * API</strong>: anything here may change in any release; use {@code
 * com.avnology.backup.postgres.physical} instead.
 */
package com.avnology.backup.postgres.internal.physical;
