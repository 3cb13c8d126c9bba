/**
 * How {@link com.avnology.backup.postgres.seeding.DatabaseSnapshot} makes, names, resets and drops
 * test databases. Not API: anything here may change without notice.
 */
package com.avnology.backup.postgres.internal.seeding;
