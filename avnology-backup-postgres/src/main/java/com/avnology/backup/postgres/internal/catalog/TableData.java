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
 */
public record TableData(
    int dumpId, String schema, String table, List<String> columns, long estimatedBytes) {

  /** Copies the column list. */
  public TableData {
    columns = List.copyOf(columns);
  }

  /** @return {@code COPY schema.table (cols) TO STDOUT}, identifiers quoted as pg_dump does */
  public String copyOutSql() {
    String cols =
        columns.isEmpty()
            ? ""
            : columns.stream().map(Sql::quoteIdentStatic).collect(Collectors.joining(", ", " (", ")"));
    return "COPY " + Sql.quoteIdentStatic(schema) + "." + Sql.quoteIdentStatic(table) + cols
        + " TO STDOUT";
  }
}
