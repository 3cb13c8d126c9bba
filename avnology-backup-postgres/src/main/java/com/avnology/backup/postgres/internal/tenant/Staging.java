package com.avnology.backup.postgres.internal.tenant;

import com.avnology.backup.BackupException;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.catalog.Identifiers;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import com.avnology.backup.postgres.internal.engine.CopyTerminator;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.postgresql.PGConnection;

/**
 * The backup's rows of one table, loaded into a temporary table of the restoring session: {@code
 * CREATE TEMP TABLE … ON COMMIT DROP AS SELECT <the archive's columns> FROM <live table> WITH NO
 * DATA}, so every column has the live column's type, then {@code COPY … FROM STDIN} streamed from
 * the archive. Temporary tables are private to the session, not WAL-logged, spill to disk past
 * {@code temp_buffers}, and vanish with the transaction or the session, whatever ends it: the
 * restore never leaves a staging table behind.
 */
final class Staging {
  /** The column marking a staged row as part of the tenant. */
  static final String SELECTED = "avnology_tenant_selected";

  final LiveSchema.Table table;
  final String temp;

  /** The archive's columns, which the live table has and which are not generated. */
  final List<String> columns;

  final long rows;

  private Staging(LiveSchema.Table table, String temp, List<String> columns, long rows) {
    this.table = table;
    this.temp = temp;
    this.columns = columns;
    this.rows = rows;
  }

  /**
   * @param entry the table's TABLE DATA entry, or null when the archive has no data for it
   */
  static Staging load(
      Connection c, ArchiveSource source, LiveSchema.Table table, TocEntry entry, int n)
      throws SQLException {
    String temp = "avnology_tenant_" + n;
    List<String> columns;
    if (entry == null) {
      columns =
          table.columns().stream()
              .filter(col -> !col.generated())
              .map(LiveSchema.Column::name)
              .toList();
    } else {
      columns = CopyColumns.parse(entry.copyStmt());
      for (String col : columns) {
        LiveSchema.Column live =
            table
                .column(col)
                .orElseThrow(
                    () ->
                        new BackupException(
                            "column "
                                + col
                                + " of "
                                + table.display()
                                + " is in the backup but not in the live"
                                + " database: the schema changed since the backup; bring the live schema to the"
                                + " backup's version (or restore the set into a new database and copy from"
                                + " there); nothing was restored"));
        if (live.generated()) {
          throw new BackupException(
              "column "
                  + col
                  + " of "
                  + table.display()
                  + " is generated"
                  + " in the live database but has data in the backup: the schema changed since the"
                  + " backup; nothing was restored");
        }
      }
    }
    if (columns.isEmpty()) {
      throw new BackupException("table " + table.display() + " has no column to restore");
    }
    String list = quoted(columns);
    try (Statement s = c.createStatement()) {
      s.execute(
          "CREATE TEMP TABLE "
              + temp
              + " ON COMMIT DROP AS SELECT "
              + list
              + " FROM "
              + table.qualified()
              + " WITH NO DATA");
      s.execute(
          "ALTER TABLE " + temp + " ADD COLUMN " + SELECTED + " boolean NOT NULL DEFAULT false");
    }
    long rows = 0;
    if (entry != null) {
      rows = copy(c, source, entry, temp, list, table);
      try (Statement s = c.createStatement()) {
        s.execute("ANALYZE " + temp);
      }
    }
    return new Staging(table, temp, columns, rows);
  }

  private static long copy(
      Connection c,
      ArchiveSource source,
      TocEntry entry,
      String temp,
      String list,
      LiveSchema.Table table)
      throws SQLException {
    try (InputStream in = CopyTerminator.strip(source.openData(entry.dataFile()))) {
      long rows =
          c.unwrap(PGConnection.class)
              .getCopyAPI()
              .copyIn("COPY " + temp + " (" + list + ") FROM STDIN", in, 65536);
      // reads what the decoder left and checks the artifact's size and SHA-256
      in.close();
      return rows;
    } catch (IOException e) {
      throw new BackupException(
          "cannot read the backup's rows of "
              + table.display()
              + " from "
              + source.describe()
              + ": "
              + e.getMessage()
              + "; nothing was restored",
          e);
    }
  }

  static String quoted(List<String> columns) {
    return columns.stream().map(Identifiers::quote).collect(Collectors.joining(", "));
  }
}
