package com.avnology.backup.postgres.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Ory (Kratos, Keto, Hydra) schema fixtures, which live outside the repository: directory from
 * system property {@code ory.fixtures}, else env {@code ORY_FIXTURES}. Tests that need them are
 * skipped (JUnit assumption) when neither is set.
 */
public final class OryFixtures {
  private static final Logger LOG = LoggerFactory.getLogger(OryFixtures.class);
  private static final String HINT =
      "set -Dory.fixtures=... or ORY_FIXTURES=... to the directory holding ory-<project>-schema.sql";

  /** The Ory projects with a schema fixture. */
  public static final List<String> PROJECTS = List.of("kratos", "keto", "hydra");

  private OryFixtures() {}

  /** Returns the fixtures directory, when configured and present. */
  public static Optional<Path> directory() {
    String dir = System.getProperty("ory.fixtures");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("ORY_FIXTURES");
    }
    if (dir == null || dir.isBlank()) {
      return Optional.empty();
    }
    Path p = Path.of(dir);
    return Files.isDirectory(p) ? Optional.of(p) : Optional.empty();
  }

  /** Returns the fixtures directory; aborts the calling test (assumption) when it is unknown. */
  public static Path requireDirectory() {
    Optional<Path> dir = directory();
    Assumptions.assumeTrue(dir.isPresent(), "Ory fixtures not found: " + HINT);
    return dir.get();
  }

  /**
   * Returns the project's schema dump with pg_dump's restrict/unrestrict meta-command lines
   * removed, ready for a plain JDBC executor.
   *
   * @param project kratos, keto or hydra
   */
  public static String schemaSql(String project) {
    if (!PROJECTS.contains(project)) {
      throw new IllegalArgumentException("unknown Ory project " + project + "; one of " + PROJECTS);
    }
    Path file = requireDirectory().resolve("ory-" + project + "-schema.sql");
    Assumptions.assumeTrue(Files.isRegularFile(file), "Ory fixture missing: " + file);
    try {
      return Fidelity.stripRestrictLines(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Applies {@code ory-<project>-schema.sql} to a database (one JDBC {@code Statement.execute}).
   *
   * @param project kratos, keto or hydra
   * @param database the target database, normally empty
   */
  public static void loadSchema(String project, String database) {
    Fidelity.applySql(schemaSql(project), database);
  }

  /**
   * What {@link #fillWithRows} did.
   *
   * @param tablesFilled tables that received at least one row
   * @param skippedTables tables that could not be filled, with the reason
   * @param rowsInserted rows inserted in all
   * @param rowsRejected rows the generator produced that the database refused
   */
  public record FillReport(
      List<String> tablesFilled,
      Map<String, String> skippedTables,
      long rowsInserted,
      long rowsRejected) {}

  /**
   * Fills every user table with generic generated rows: tables in foreign-key order (parents
   * first), values per data type, unique values per row, foreign keys pointing at existing parent
   * rows, simple {@code col = literal} CHECKs honoured. Columns with identity, generated or
   * sequence defaults are left to the database. Works for any schema, not only Ory's.
   *
   * @param database the database
   * @param rowsPerTable rows to attempt per table
   * @return what was filled and what was skipped (each skip is also logged)
   */
  public static FillReport fillWithRows(String database, int rowsPerTable) {
    try (Connection c = EmbeddedPg.dataSource(database).getConnection()) {
      return new Filler(c, rowsPerTable).fill();
    } catch (SQLException e) {
      throw new IllegalStateException("cannot fill " + database + ": " + e.getMessage(), e);
    }
  }

  // ------------------------------------------------------------------ generic generator

  private record Column(
      String name,
      String baseType,
      String category,
      boolean notNull,
      int maxLength,
      List<String> enumLabels,
      boolean skip) {}

  private record ForeignKey(List<String> columns, String parent, List<String> parentColumns) {}

  private static final class Table {
    final String name;
    final List<Column> columns = new ArrayList<>();
    final List<ForeignKey> fks = new ArrayList<>();
    final Map<String, List<String>> checkLiterals = new HashMap<>();

    Table(String name) {
      this.name = name;
    }
  }

  private static final class Filler {
    private static final Pattern LITERAL =
        Pattern.compile("'((?:[^']|'')*)'|(?<![\\w.])(-?\\d+(?:\\.\\d+)?)(?![\\w.])");
    private static final LocalDateTime BASE = LocalDateTime.of(2024, 1, 1, 0, 0);

    private final Connection c;
    private final int rows;
    private final Map<String, Table> tables = new LinkedHashMap<>();

    Filler(Connection c, int rows) {
      this.c = c;
      this.rows = rows;
    }

    FillReport fill() throws SQLException {
      readCatalog();
      c.setAutoCommit(false);
      List<String> filled = new ArrayList<>();
      Map<String, String> skipped = new LinkedHashMap<>();
      long inserted = 0;
      long rejected = 0;
      for (Table t : order()) {
        int[] result = new int[2];
        String why = fillTable(t, result);
        c.commit();
        inserted += result[0];
        rejected += result[1];
        if (why == null) {
          filled.add(t.name);
        } else {
          LOG.info("fillWithRows: skipping {}: {}", t.name, why);
          skipped.put(t.name, why);
        }
      }
      c.setAutoCommit(true);
      return new FillReport(filled, skipped, inserted, rejected);
    }

    private void readCatalog() throws SQLException {
      String userNs =
          "n.nspname NOT IN ('pg_catalog', 'information_schema')"
              + " AND n.nspname !~ '^pg_(toast|temp_)'";
      try (Statement s = c.createStatement()) {
        s.execute("SET search_path = pg_catalog");
      }
      query(
          "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
              + " JOIN pg_namespace n ON n.oid = c.relnamespace"
              + " WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND "
              + userNs
              + " AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass"
              + " AND d.objid = c.oid AND d.deptype = 'e') ORDER BY 1",
          rs -> tables.put(rs.getString(1), new Table(rs.getString(1))));
      query(
          "SELECT format('%I.%I', n.nspname, c.relname), a.attname, bt.typname,"
              + " bt.typcategory, a.attnotnull OR t.typnotnull,"
              + " CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE a.atttypmod END,"
              + " (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e"
              + "   WHERE e.enumtypid = bt.oid),"
              + " a.attidentity <> '' OR a.attgenerated <> ''"
              + "   OR coalesce(pg_get_expr(ad.adbin, ad.adrelid) ~ '^nextval\\(', false)"
              + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
              + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
              + " JOIN pg_type t ON t.oid = a.atttypid"
              + " JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END"
              + " LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum"
              + " WHERE c.relkind IN ('r', 'p') AND "
              + userNs
              + " ORDER BY 1, a.attnum",
          rs -> {
            Table t = tables.get(rs.getString(1));
            if (t != null) {
              Array labels = rs.getArray(7);
              int typmod = rs.getInt(6);
              t.columns.add(
                  new Column(
                      rs.getString(2),
                      rs.getString(3),
                      rs.getString(4),
                      rs.getBoolean(5),
                      typmod > 4 ? typmod - 4 : -1,
                      labels == null ? List.of() : Arrays.asList((String[]) labels.getArray()),
                      rs.getBoolean(8)));
            }
          });
      query(
          "SELECT format('%I.%I', n.nspname, c.relname),"
              + " (SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(f.conkey) WITH ORDINALITY k(n, i)"
              + "   JOIN pg_attribute a ON a.attrelid = f.conrelid AND a.attnum = k.n),"
              + " format('%I.%I', pn.nspname, pc.relname),"
              + " (SELECT array_agg(a.attname ORDER BY k.i) FROM unnest(f.confkey) WITH ORDINALITY k(n, i)"
              + "   JOIN pg_attribute a ON a.attrelid = f.confrelid AND a.attnum = k.n)"
              + " FROM pg_constraint f JOIN pg_class c ON c.oid = f.conrelid"
              + " JOIN pg_namespace n ON n.oid = c.relnamespace"
              + " JOIN pg_class pc ON pc.oid = f.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace"
              + " WHERE f.contype = 'f' AND f.conparentid = 0 ORDER BY 1, f.conname",
          rs -> {
            Table t = tables.get(rs.getString(1));
            if (t != null) {
              t.fks.add(
                  new ForeignKey(
                      List.of((String[]) rs.getArray(2).getArray()),
                      rs.getString(3),
                      List.of((String[]) rs.getArray(4).getArray())));
            }
          });
      query(
          "SELECT format('%I.%I', n.nspname, c.relname), a.attname, pg_get_constraintdef(k.oid)"
              + " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
              + " JOIN pg_namespace n ON n.oid = c.relnamespace"
              + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.conkey[1]"
              + " WHERE k.contype = 'c' AND cardinality(k.conkey) = 1",
          rs -> {
            Table t = tables.get(rs.getString(1));
            String def = rs.getString(3);
            if (t != null
                && def.contains("=")
                && !def.contains("<>")
                && !def.contains("!=")
                && !def.contains(">=")
                && !def.contains("<=")) {
              List<String> literals = new ArrayList<>();
              Matcher m = LITERAL.matcher(def.replace(rs.getString(2), ""));
              while (m.find()) {
                literals.add(m.group(1) != null ? m.group(1).replace("''", "'") : m.group(2));
              }
              if (!literals.isEmpty()) {
                t.checkLiterals.put(rs.getString(2), literals);
              }
            }
          });
      for (Table t : tables.values()) { // most constrained first, so overlaps are matched
        t.fks.sort((a, b) -> b.columns().size() - a.columns().size());
      }
    }

    private interface RowHandler {
      void row(ResultSet rs) throws SQLException;
    }

    private void query(String sql, RowHandler h) throws SQLException {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          h.row(rs);
        }
      }
    }

    /** Parents before children (Kahn); cycles are broken alphabetically. */
    private List<Table> order() {
      List<Table> out = new ArrayList<>();
      Set<String> placed = new HashSet<>();
      TreeSet<String> remaining = new TreeSet<>(tables.keySet());
      while (!remaining.isEmpty()) {
        String next = null;
        for (String name : remaining) {
          boolean ready = true;
          for (ForeignKey fk : tables.get(name).fks) {
            if (!fk.parent().equals(name)
                && tables.containsKey(fk.parent())
                && !placed.contains(fk.parent())) {
              ready = false;
              break;
            }
          }
          if (ready) {
            next = name;
            break;
          }
        }
        if (next == null) {
          next = remaining.first();
          LOG.info("fillWithRows: foreign-key cycle, filling {} before its parents", next);
        }
        remaining.remove(next);
        placed.add(next);
        out.add(tables.get(next));
      }
      return out;
    }

    /**
     * @return null when rows went in, otherwise why the table was skipped
     */
    private String fillTable(Table t, int[] counts) throws SQLException {
      List<Column> cols = t.columns.stream().filter(col -> !col.skip()).toList();
      if (cols.isEmpty()) {
        return "no columns to fill";
      }
      Map<ForeignKey, List<String[]>> parentRows = new HashMap<>();
      for (ForeignKey fk : t.fks) {
        if (!fk.parent().equals(t.name)) {
          parentRows.put(fk, parentRows(fk));
        }
      }
      String sql =
          "INSERT INTO "
              + t.name
              + " ("
              + String.join(", ", cols.stream().map(col -> quoteIdent(col.name())).toList())
              + ") VALUES ("
              + String.join(", ", cols.stream().map(col -> "?").toList())
              + ")";
      List<Set<String>> variants = variants(cols);
      Set<String> chosen = null;
      String lastError = null;
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (Set<String> nulls : variants) {
          String err = tryRow(ps, t, cols, parentRows, nulls, 0);
          if (err == null) {
            chosen = nulls;
            counts[0]++;
            break;
          }
          lastError = err;
        }
        if (chosen == null) {
          return "no generated row accepted: " + lastError;
        }
        for (int r = 1; r < rows; r++) {
          if (tryRow(ps, t, cols, parentRows, chosen, r) == null) {
            counts[0]++;
          } else {
            counts[1]++;
          }
        }
      }
      return null;
    }

    /** Column sets to leave NULL: none, all nullable, all but one nullable, one nullable. */
    private static List<Set<String>> variants(List<Column> cols) {
      List<String> nullable =
          cols.stream().filter(col -> !col.notNull()).map(Column::name).toList();
      List<Set<String>> out = new ArrayList<>();
      out.add(Set.of());
      if (!nullable.isEmpty()) {
        out.add(Set.copyOf(nullable));
        for (String n : nullable) {
          out.add(Set.of(n));
          Set<String> allButOne = new HashSet<>(nullable);
          allButOne.remove(n);
          out.add(allButOne);
        }
      }
      return out;
    }

    private List<String[]> parentRows(ForeignKey fk) throws SQLException {
      List<String[]> out = new ArrayList<>();
      String cols =
          String.join(
              ", ", fk.parentColumns().stream().map(col -> quoteIdent(col) + "::text").toList());
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT "
                      + cols
                      + " FROM "
                      + fk.parent()
                      + " ORDER BY "
                      + cols
                      + " LIMIT "
                      + Math.max(rows, 1) * 4L)) {
        while (rs.next()) {
          String[] row = new String[fk.parentColumns().size()];
          for (int i = 0; i < row.length; i++) {
            row[i] = rs.getString(i + 1);
          }
          out.add(row);
        }
      }
      return out;
    }

    /**
     * @return null on success, else the error (the row is rolled back to a savepoint)
     */
    private String tryRow(
        PreparedStatement ps,
        Table t,
        List<Column> cols,
        Map<ForeignKey, List<String[]>> parentRows,
        Set<String> nulls,
        int row)
        throws SQLException {
      Map<String, String> values = new HashMap<>();
      for (int i = 0; i < cols.size(); i++) {
        Column col = cols.get(i);
        values.put(col.name(), nulls.contains(col.name()) ? null : value(t, col, i, row));
      }
      Set<String> fkAssigned = new HashSet<>();
      for (ForeignKey fk : t.fks) {
        boolean allNullable =
            fk.columns().stream()
                .allMatch(
                    name ->
                        cols.stream().anyMatch(col -> col.name().equals(name) && !col.notNull()));
        if (fk.parent().equals(t.name)) { // self reference: NULL, or the row itself
          for (int k = 0; k < fk.columns().size(); k++) {
            values.put(
                fk.columns().get(k), allNullable ? null : values.get(fk.parentColumns().get(k)));
          }
          fkAssigned.addAll(fk.columns());
          continue;
        }
        if (fk.columns().stream().allMatch(nulls::contains)) {
          continue;
        }
        List<String[]> candidates = new ArrayList<>();
        for (String[] p : parentRows.get(fk)) {
          boolean ok = true;
          for (int k = 0; k < p.length; k++) {
            String col = fk.columns().get(k);
            if (fkAssigned.contains(col) && !java.util.Objects.equals(values.get(col), p[k])) {
              ok = false;
            }
          }
          if (ok) {
            candidates.add(p);
          }
        }
        String[] pick = candidates.isEmpty() ? null : candidates.get(row % candidates.size());
        if (pick == null && !allNullable) {
          return "no row in " + fk.parent() + " for foreign key " + fk.columns();
        }
        for (int k = 0; k < fk.columns().size(); k++) {
          values.put(fk.columns().get(k), pick == null ? null : pick[k]);
        }
        fkAssigned.addAll(fk.columns());
      }
      for (int i = 0; i < cols.size(); i++) {
        String v = values.get(cols.get(i).name());
        if (v == null) {
          ps.setNull(i + 1, Types.OTHER);
        } else {
          ps.setObject(i + 1, v, Types.OTHER);
        }
      }
      Savepoint sp = c.setSavepoint();
      try {
        ps.executeUpdate();
        c.releaseSavepoint(sp);
        return null;
      } catch (SQLException e) {
        c.rollback(sp);
        return e.getMessage();
      }
    }

    private String value(Table t, Column col, int index, int row) {
      List<String> literals = t.checkLiterals.get(col.name());
      if (literals != null) {
        return literals.get(row % literals.size());
      }
      if (!col.enumLabels().isEmpty()) {
        return col.enumLabels().get(row % col.enumLabels().size());
      }
      LocalDateTime at = BASE.plusMinutes(row).plusHours(index);
      switch (col.baseType()) {
        case "uuid" -> {
          return UUID.nameUUIDFromBytes(
                  (t.name + "." + col.name() + "#" + row).getBytes(StandardCharsets.UTF_8))
              .toString();
        }
        case "int2" -> {
          return String.valueOf(row % 32000 + 1);
        }
        case "int4", "int8", "numeric", "float4", "float8", "oid" -> {
          return String.valueOf(row + 1);
        }
        case "bool" -> {
          return row % 2 == 0 ? "true" : "false";
        }
        case "timestamp", "timestamptz" -> {
          return at.format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).replace('T', ' ');
        }
        case "date" -> {
          return LocalDate.of(2024, 1, 1).plusDays(row).toString();
        }
        case "time", "timetz" -> {
          return at.toLocalTime().toString();
        }
        case "interval" -> {
          return (row + 1) + " seconds";
        }
        case "json", "jsonb" -> {
          return "{\"row\": " + row + ", \"column\": \"" + col.name() + "\"}";
        }
        case "bytea" -> {
          return String.format("\\x%08x", row);
        }
        case "inet", "cidr" -> {
          return "10." + (row >> 16 & 255) + "." + (row >> 8 & 255) + "." + (row & 255);
        }
        default -> {}
      }
      if ("A".equals(col.category())) {
        return "{}";
      }
      if ("S".equals(col.category()) || "citext".equals(col.baseType())) {
        String s = col.name() + "-" + row;
        if (col.maxLength() > 0 && s.length() > col.maxLength()) {
          s = Integer.toString(row, 36);
        }
        return col.maxLength() > 0 && s.length() > col.maxLength()
            ? s.substring(0, col.maxLength())
            : s;
      }
      return String.valueOf(row + 1); // let the server's input function judge
    }
  }

  private static String quoteIdent(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
