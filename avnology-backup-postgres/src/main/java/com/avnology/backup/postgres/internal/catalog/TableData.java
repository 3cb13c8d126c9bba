package com.avnology.backup.postgres.internal.catalog;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The data half of one {@code TABLE DATA} entry: what to {@code COPY … TO STDOUT}.
 *
 * @param dumpId the TABLE DATA entry's dump id
 * @param schema the table's schema, raw
 * @param table the table's name, raw
 * @param columns the columns to copy in attnum order, raw (dropped and generated ones left out)
 * @param estimatedBytes size estimate from relpages (+ TOAST pages) and reltuples, to copy the
 *     largest tables first
 * @param filter an extension configuration table's filter condition ({@code WHERE …}), or null
 * @param file the entry's data file in a directory archive ({@code <dumpId>.dat}, or {@code
 *     table_<oid>.dat} for data copied before dump ids exist), without a compression suffix
 */
public record TableData(
    int dumpId,
    String schema,
    String table,
    List<String> columns,
    long estimatedBytes,
    String filter,
    String file) {

  /**
   * Copies the column list.
   *
   * @param dumpId the TABLE DATA entry's dump id
   * @param schema the table's schema, raw
   * @param table the table's name, raw
   * @param columns the columns to copy in attnum order, raw (dropped and generated ones left out)
   * @param estimatedBytes size estimate from relpages (+ TOAST pages) and reltuples, to copy the
   *     largest tables first
   * @param filter an extension configuration table's filter condition ({@code WHERE …}), or null
   * @param file the entry's data file in a directory archive, without a compression suffix
   */
  public TableData {
    columns = List.copyOf(columns);
  }

  /**
   * {@return {@code COPY schema.table (cols) TO STDOUT}, identifiers quoted as pg_dump does; with a
   * {@link #filter} (an extension configuration table's condition, {@code WHERE \u2026}), {@code
   * COPY (SELECT cols FROM schema.table WHERE \u2026) TO STDOUT}, as pg_dump writes it}
   */
  public String copyOutSql() {
    String name = Sql.q(schema) + "." + Sql.q(table);
    if (filter != null && !filter.isEmpty()) {
      String cols =
          columns.isEmpty() ? "*" : columns.stream().map(Sql::q).collect(Collectors.joining(", "));
      return "COPY (SELECT " + cols + " FROM " + name + " " + filter + ") TO STDOUT";
    }
    String cols =
        columns.isEmpty()
            ? ""
            : columns.stream().map(Sql::q).collect(Collectors.joining(", ", " (", ")"));
    return "COPY " + name + cols + " TO STDOUT";
  }
}
