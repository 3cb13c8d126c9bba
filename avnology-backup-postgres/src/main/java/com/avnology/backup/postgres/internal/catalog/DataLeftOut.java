package com.avnology.backup.postgres.internal.catalog;

/**
 * A dumped table whose rows are not: its definition is in the archive, its TABLE DATA entry is not.
 *
 * @param table {@code schema.table}, raw catalog names
 * @param unlogged whether it is an unlogged table
 */
public record DataLeftOut(String table, boolean unlogged) {}
