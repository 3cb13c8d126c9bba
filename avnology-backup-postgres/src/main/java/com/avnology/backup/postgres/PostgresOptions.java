package com.avnology.backup.postgres;

import java.util.List;
import java.util.Objects;

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
 * @param restoreMode how a restore protects what was in the database before it
 */
public record PostgresOptions(
    List<String> schemas,
    List<String> excludeSchemas,
    List<String> tables,
    List<String> excludeTables,
    boolean noOwner,
    boolean noPrivileges,
    boolean clean,
    boolean noLargeObjects,
    RestoreMode restoreMode) {
  /**
   * Copies the lists.
   *
   * @throws IllegalArgumentException if {@code clean} is asked with {@link RestoreMode#IN_PLACE}
   */
  public PostgresOptions {
    Objects.requireNonNull(restoreMode, "null restoreMode");
    if (clean && restoreMode == RestoreMode.IN_PLACE) {
      throw new IllegalArgumentException("clean with RestoreMode.IN_PLACE would drop the old"
          + " objects before the new ones are loaded, in transactions of their own: use"
          + " SINGLE_TRANSACTION (the default with clean) or SWAP");
    }
    schemas = List.copyOf(schemas);
    excludeSchemas = List.copyOf(excludeSchemas);
    tables = List.copyOf(tables);
    excludeTables = List.copyOf(excludeTables);
  }

  /**
   * The options as they were before large objects and restore modes existed: large objects kept,
   * restored in place, or in one transaction with {@code clean}.
   *
   * @param schemas schemas to include; empty means every non-system schema
   * @param excludeSchemas schemas to leave out
   * @param tables tables to include as {@code schema.table}; empty means all
   * @param excludeTables tables to leave out
   * @param noOwner neither record nor restore owners
   * @param noPrivileges neither record nor restore grants
   * @param clean on restore, replace the archive's objects and accept a non-empty database
   */
  public PostgresOptions(List<String> schemas, List<String> excludeSchemas, List<String> tables,
      List<String> excludeTables, boolean noOwner, boolean noPrivileges, boolean clean) {
    this(schemas, excludeSchemas, tables, excludeTables, noOwner, noPrivileges, clean, false,
        clean ? RestoreMode.SINGLE_TRANSACTION : RestoreMode.IN_PLACE);
  }

  /** @return the defaults: everything, owners and grants kept, no clean, restored in place */
  public static PostgresOptions defaults() {
    return new PostgresOptions(List.of(), List.of(), List.of(), List.of(), false, false, false);
  }

  /**
   * @param mode another restore mode
   * @return a copy with it ({@code clean} dropped for {@link RestoreMode#IN_PLACE})
   */
  public PostgresOptions withRestoreMode(RestoreMode mode) {
    return new PostgresOptions(schemas, excludeSchemas, tables, excludeTables, noOwner,
        noPrivileges, clean && mode != RestoreMode.IN_PLACE, noLargeObjects, mode);
  }
}
