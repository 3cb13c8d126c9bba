package com.avnology.backup.postgres;

import java.util.List;

/**
 * What of a database is backed up or restored, and how.
 *
 * @param schemas schemas to include; empty means every non-system schema
 * @param excludeSchemas schemas to leave out
 * @param tables tables to include as {@code schema.table}; empty means all
 * @param excludeTables tables to leave out
 * @param noOwner neither record nor restore owners
 * @param noPrivileges neither record nor restore grants
 * @param clean on restore, drop the archive's objects first and accept a non-empty database
 * @param noLargeObjects back up without the database's large objects
 */
public record PostgresOptions(
    List<String> schemas,
    List<String> excludeSchemas,
    List<String> tables,
    List<String> excludeTables,
    boolean noOwner,
    boolean noPrivileges,
    boolean clean,
    boolean noLargeObjects) {
  /** Copies the lists. */
  public PostgresOptions {
    schemas = List.copyOf(schemas);
    excludeSchemas = List.copyOf(excludeSchemas);
    tables = List.copyOf(tables);
    excludeTables = List.copyOf(excludeTables);
  }

  /**
   * The options as they were before {@code noLargeObjects} existed (large objects kept).
   *
   * @param schemas schemas to include; empty means every non-system schema
   * @param excludeSchemas schemas to leave out
   * @param tables tables to include as {@code schema.table}; empty means all
   * @param excludeTables tables to leave out
   * @param noOwner neither record nor restore owners
   * @param noPrivileges neither record nor restore grants
   * @param clean on restore, drop the archive's objects first and accept a non-empty database
   */
  public PostgresOptions(List<String> schemas, List<String> excludeSchemas, List<String> tables,
      List<String> excludeTables, boolean noOwner, boolean noPrivileges, boolean clean) {
    this(schemas, excludeSchemas, tables, excludeTables, noOwner, noPrivileges, clean, false);
  }

  /** @return the defaults: everything, owners and grants kept, no clean */
  public static PostgresOptions defaults() {
    return new PostgresOptions(List.of(), List.of(), List.of(), List.of(), false, false, false,
        false);
  }
}
