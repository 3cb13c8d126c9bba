package com.avnology.backup.postgres;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * What a {@link TenantRestorePlan} would do (its dry run) or did, table by table, in the order the
 * tables are written.
 *
 * @param source the set or archive the rows come from
 * @param policy the conflict policy applied
 * @param tables per table, in foreign-key order (parents first)
 * @param duration the wall time spent
 */
public record TenantRestoreReport(
    String source, ConflictPolicy policy, List<Table> tables, Duration duration) {
  /**
   * Copies the list.
   *
   * @param source the set or archive the rows come from
   * @param policy the conflict policy applied
   * @param tables per table, in foreign-key order (parents first)
   * @param duration the wall time spent
   */
  public TenantRestoreReport {
    requireNonNull(source, "null source");
    requireNonNull(policy, "null policy");
    requireNonNull(duration, "null duration");
    tables = List.copyOf(tables);
  }

  /**
   * One table's rows of the tenant.
   *
   * @param table the table, schema-qualified
   * @param insert rows of the backup that the live database lacks: inserted
   * @param update rows in both that differ and are overwritten ({@link ConflictPolicy#OVERWRITE})
   * @param skip rows in both that are left as they are (identical, or {@link ConflictPolicy#SKIP})
   * @param conflicts rows in both, identical or not (what {@link ConflictPolicy#FAIL} refuses)
   */
  public record Table(String table, long insert, long update, long skip, long conflicts) {
    /**
     * Checks for nulls.
     *
     * @param table the table, schema-qualified
     * @param insert rows of the backup that the live database lacks: inserted
     * @param update rows in both that differ and are overwritten ({@link ConflictPolicy#OVERWRITE})
     * @param skip rows in both that are left as they are (identical, or {@link
     *     ConflictPolicy#SKIP})
     * @param conflicts rows in both, identical or not (what {@link ConflictPolicy#FAIL} refuses)
     */
    public Table {
      requireNonNull(table, "null table");
    }
  }

  /** {@return rows inserted (or to insert) in all tables} */
  public long inserted() {
    return tables.stream().mapToLong(Table::insert).sum();
  }

  /** {@return rows updated (or to update) in all tables} */
  public long updated() {
    return tables.stream().mapToLong(Table::update).sum();
  }

  /** {@return rows skipped (or to skip) in all tables} */
  public long skipped() {
    return tables.stream().mapToLong(Table::skip).sum();
  }

  /** {@return rows present in both the backup and the live database, in all tables} */
  public long conflicts() {
    return tables.stream().mapToLong(Table::conflicts).sum();
  }

  /**
   * {@return its counts, or zeros if the tenant has no rows there}
   *
   * @param table a table, schema-qualified as in {@link Table#table()}
   */
  public Table table(String table) {
    return tables.stream()
        .filter(t -> t.table().equals(table))
        .findFirst()
        .orElse(new Table(table, 0, 0, 0, 0));
  }

  /**
   * @return totals, then one line per table, as the CLI prints them
   */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    b.append(inserted())
        .append(" insert, ")
        .append(updated())
        .append(" update, ")
        .append(skipped())
        .append(" skip (on conflict ")
        .append(policy.name().toLowerCase(java.util.Locale.ROOT))
        .append(") from ")
        .append(source);
    for (Table t : tables) {
      b.append(System.lineSeparator())
          .append("  ")
          .append(t.table())
          .append(": ")
          .append(t.insert())
          .append(" insert, ")
          .append(t.update())
          .append(" update, ")
          .append(t.skip())
          .append(" skip");
      if (t.conflicts() > 0 && policy == ConflictPolicy.FAIL) {
        b.append(" (").append(t.conflicts()).append(" present: on conflict fail refuses)");
      }
    }
    return b.toString();
  }
}
