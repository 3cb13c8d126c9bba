/**
 * Physical backups of a PostgreSQL cluster ({@link
 * com.avnology.backup.postgres.physical.PhysicalTarget}), the WAL archive ({@link
 * com.avnology.backup.postgres.physical.WalArchive}) and point-in-time recovery ({@link
 * com.avnology.backup.postgres.physical.RecoveryTarget}).
 */
package com.avnology.backup.postgres.physical;
