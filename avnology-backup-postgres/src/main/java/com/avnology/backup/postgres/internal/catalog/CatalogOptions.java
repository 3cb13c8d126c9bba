package com.avnology.backup.postgres.internal.catalog;

import java.util.List;

/**
 * What {@link CatalogReader} dumps. Names are exact catalog names (no patterns); an empty include
 * list means "everything".
 *
 * @param includeSchemas schemas to dump; empty = all non-system schemas
 * @param excludeSchemas schemas never to dump
 * @param includeTables qualified table names ({@code schema.table}, raw, unquoted) to dump; when
 *     non-empty only these relations and their sub-objects are dumped, as with {@code pg_dump -t}
 * @param excludeTables qualified table names never to dump
 * @param noOwner leave the TOC owner empty, so no {@code ALTER … OWNER TO} is restored
 * @param noPrivileges emit no ACL entries
 * @param largeObjects dump large objects (unless an include list narrows the dump, as pg_dump)
 * @param excludeTableData qualified table names whose definitions are dumped without their rows
 * @param unloggedTableData dump the rows of unlogged tables
 */
public record CatalogOptions(
    List<String> includeSchemas,
    List<String> excludeSchemas,
    List<String> includeTables,
    List<String> excludeTables,
    boolean noOwner,
    boolean noPrivileges,
    boolean largeObjects,
    List<String> excludeTableData,
    boolean unloggedTableData) {

  /** Options with every table's rows, which a dump holds unless told otherwise. */
  public CatalogOptions(
      List<String> includeSchemas,
      List<String> excludeSchemas,
      List<String> includeTables,
      List<String> excludeTables,
      boolean noOwner,
      boolean noPrivileges,
      boolean largeObjects) {
    this(
        includeSchemas,
        excludeSchemas,
        includeTables,
        excludeTables,
        noOwner,
        noPrivileges,
        largeObjects,
        List.of(),
        true);
  }

  /** Options with large objects, which a dump holds unless told otherwise. */
  public CatalogOptions(
      List<String> includeSchemas,
      List<String> excludeSchemas,
      List<String> includeTables,
      List<String> excludeTables,
      boolean noOwner,
      boolean noPrivileges) {
    this(includeSchemas, excludeSchemas, includeTables, excludeTables, noOwner, noPrivileges, true);
  }

  /**
   * Copies the lists.
   *
   * @param includeSchemas schemas to dump; empty = all non-system schemas
   * @param excludeSchemas schemas never to dump
   * @param includeTables qualified table names ({@code schema.table}, raw, unquoted) to dump; when
   *     non-empty only these relations and their sub-objects are dumped, as with {@code pg_dump -t}
   * @param excludeTables qualified table names never to dump
   * @param noOwner leave the TOC owner empty, so no {@code ALTER … OWNER TO} is restored
   * @param noPrivileges emit no ACL entries
   * @param largeObjects dump large objects (unless an include list narrows the dump, as pg_dump)
   * @param excludeTableData qualified table names whose definitions are dumped without their rows
   * @param unloggedTableData dump the rows of unlogged tables
   */
  public CatalogOptions {
    includeSchemas = List.copyOf(includeSchemas);
    excludeSchemas = List.copyOf(excludeSchemas);
    includeTables = List.copyOf(includeTables);
    excludeTables = List.copyOf(excludeTables);
    excludeTableData = List.copyOf(excludeTableData);
  }

  /** {@return options that dump everything, with owners and privileges} */
  public static CatalogOptions all() {
    return new CatalogOptions(List.of(), List.of(), List.of(), List.of(), false, false, true);
  }

  /** {@return whether some include list narrows the dump (pg_dump's "not include_everything")} */
  public boolean selective() {
    return !includeSchemas.isEmpty() || !includeTables.isEmpty();
  }

  boolean schemaWanted(String schema) {
    if (excludeSchemas.contains(schema)) {
      return false;
    }
    return includeSchemas.isEmpty() || includeSchemas.contains(schema);
  }

  /**
   * Whether a dumped table's rows are, as pg_dump's {@code makeTableDataInfo} decides for {@code
   * --exclude-table-data} and {@code --no-unlogged-table-data}.
   */
  boolean dataWanted(String schema, String table, boolean unlogged) {
    return !excludeTableData.contains(schema + "." + table) && (unloggedTableData || !unlogged);
  }

  /** Whether a relation is wanted; schema-level filters are checked separately. */
  boolean tableWanted(String schema, String table) {
    String q = schema + "." + table;
    if (excludeTables.contains(q)) {
      return false;
    }
    return includeTables.isEmpty() || includeTables.contains(q);
  }
}
