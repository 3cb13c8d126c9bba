package com.avnology.backup.postgres.internal.tenant;

import com.avnology.backup.postgres.internal.catalog.Identifiers;
import java.sql.Array;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The live database's tables, columns, keys and foreign keys: the graph a tenant is followed along.
 * The live schema decides, not the backup's: rows go where the application now reads them.
 */
final class LiveSchema {
  /** A column. {@code sequence} is the serial or identity sequence, quoted, or null. */
  record Column(String name, boolean generated, boolean identityAlways, String sequence) {}

  /** A foreign key from {@code child}'s columns to {@code parent}'s. */
  record ForeignKey(
      String name,
      long child,
      List<String> columns,
      long parent,
      List<String> parentColumns,
      boolean deferrable) {}

  /** A table; {@code key} is its primary key, else its first unique constraint, else empty. */
  record Table(long oid, String schema, String name, List<Column> columns, List<String> key) {
    String qualified() {
      return Identifiers.quote(schema) + "." + Identifiers.quote(name);
    }

    String display() {
      return schema + "." + name;
    }

    Optional<Column> column(String column) {
      return columns.stream().filter(c -> c.name().equals(column)).findFirst();
    }
  }

  final Map<Long, Table> tables;
  final List<ForeignKey> foreignKeys;

  private LiveSchema(Map<Long, Table> tables, List<ForeignKey> foreignKeys) {
    this.tables = tables;
    this.foreignKeys = foreignKeys;
  }

  static LiveSchema read(Connection c) throws SQLException {
    Map<Long, String[]> names = new LinkedHashMap<>();
    Map<Long, List<Column>> columns = new LinkedHashMap<>();
    try (Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery(
              "SELECT c.oid, n.nspname, c.relname FROM pg_class c"
                  + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p')"
                  + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                  + " AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'"
                  + " ORDER BY 2, 3")) {
        while (rs.next()) {
          names.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)});
          columns.put(rs.getLong(1), new ArrayList<>());
        }
      }
      try (ResultSet rs =
          s.executeQuery(
              "SELECT a.attrelid, a.attname, a.attgenerated <> '',"
                  + " a.attidentity = 'a', pg_get_serial_sequence(a.attrelid::regclass::text, a.attname)"
                  + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                  + " WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped"
                  + " ORDER BY a.attrelid, a.attnum")) {
        while (rs.next()) {
          List<Column> list = columns.get(rs.getLong(1));
          if (list != null) {
            list.add(
                new Column(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), rs.getString(5)));
          }
        }
      }
      Map<Long, List<String>> keys = new LinkedHashMap<>();
      List<ForeignKey> fks = new ArrayList<>();
      // primary keys sort first ('p' < 'u'), then unique constraints by name
      try (ResultSet rs =
          s.executeQuery(
              "SELECT k.conrelid, k.contype, k.conname,"
                  + " ARRAY(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY u(n, i)"
                  + "   JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.i),"
                  + " k.confrelid,"
                  + " ARRAY(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY u(n, i)"
                  + "   JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.i),"
                  + " k.condeferrable FROM pg_constraint k WHERE k.contype IN ('p', 'u', 'f')"
                  + " ORDER BY k.contype, k.conname")) {
        while (rs.next()) {
          long rel = rs.getLong(1);
          if (!names.containsKey(rel)) {
            continue;
          }
          List<String> cols = strings(rs.getArray(4));
          if (rs.getString(2).equals("f")) {
            if (names.containsKey(rs.getLong(5))) {
              fks.add(
                  new ForeignKey(
                      rs.getString(3),
                      rel,
                      cols,
                      rs.getLong(5),
                      strings(rs.getArray(6)),
                      rs.getBoolean(7)));
            }
          } else {
            keys.putIfAbsent(rel, cols);
          }
        }
      }
      Map<Long, Table> tables = new LinkedHashMap<>();
      names.forEach(
          (oid, n) ->
              tables.put(
                  oid,
                  new Table(
                      oid,
                      n[0],
                      n[1],
                      List.copyOf(columns.get(oid)),
                      keys.getOrDefault(oid, List.of()))));
      return new LiveSchema(tables, fks);
    }
  }

  private static List<String> strings(Array a) throws SQLException {
    return a == null ? List.of() : List.copyOf(Arrays.asList((String[]) a.getArray()));
  }

  /**
   * @param name {@code table} or {@code schema.table}, as the user wrote it
   * @return the table
   * @throws IllegalArgumentException if there is none, or several in different schemas
   */
  Table find(String name) {
    List<Table> found =
        tables.values().stream()
            .filter(t -> name.contains(".") ? name.equals(t.display()) : name.equals(t.name()))
            .toList();
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      throw new IllegalArgumentException(
          "no table "
              + name
              + " in the live database: name an"
              + " existing table (schema.table when it is not unique)");
    }
    throw new IllegalArgumentException(
        "table "
            + name
            + " is in several schemas ("
            + found.stream().map(Table::display).toList()
            + "): name it as schema.table");
  }
}
