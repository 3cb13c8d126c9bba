package com.avnology.backup.postgres.internal.tenant;

import com.avnology.backup.BackupException;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.RestoreInterruptedException;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.ConflictPolicy;
import com.avnology.backup.postgres.TenantRestoreReport;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocFile;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import com.avnology.backup.postgres.internal.engine.ShutdownGuard;
import com.avnology.backup.postgres.internal.engine.TranscodingArchiveSource;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One tenant's rows copied from an archive into the live database, in one transaction on one
 * connection: the tables on a foreign-key path from the root (and the tables those reference) are
 * staged in temporary tables, the tenant's rows marked ({@link Selection}), counted and, unless
 * this is a dry run, written ({@link Writer}). A dry run rolls its transaction back; so does any
 * failure, and a killed client's transaction is rolled back by the server: the live tables are
 * written all or not at all, and nothing staged outlives the transaction.
 */
public final class TenantRestore {
  private static final Logger log = LoggerFactory.getLogger(TenantRestore.class);

  /** Rows of a table with no foreign-key path to the root: {@code column::text = value}. */
  public record Filter(String table, String column, String value) {}

  /** What to restore. */
  public record Spec(
      String rootTable,
      String keyColumn,
      String keyValue,
      List<Filter> filters,
      ConflictPolicy policy) {}

  private TenantRestore() {}

  /**
   * {@return per table, what would be or was done}
   *
   * @param dataSource the live database
   * @param source the archive
   * @param sourceName the set or file, for the report
   * @param spec what to restore
   * @param write false for the dry run
   * @throws BackupException naming the problem; the live database is then unchanged
   */
  public static TenantRestoreReport run(
      DataSource dataSource, ArchiveSource source, String sourceName, Spec spec, boolean write) {
    long start = System.nanoTime();
    TocFile toc;
    try {
      toc = source.toc();
    } catch (IOException e) {
      throw new StorageException(
          "cannot read the table of contents of "
              + source.describe()
              + ": "
              + e.getMessage()
              + "; nothing was restored",
          e);
    }
    ArchiveSource utf8 =
        TranscodingArchiveSource.utf8(source, toc)
            .orElseThrow(
                () ->
                    new BackupException(
                        source.describe()
                            + " is in SQL_ASCII, whose bytes have no known"
                            + " encoding: restore it into a new database with the same encoding and copy the"
                            + " rows from there; nothing was restored"));
    String what =
        "tenant restore of " + spec.rootTable() + "." + spec.keyColumn() + " = " + spec.keyValue();
    try (Connection c = dataSource.getConnection();
        ShutdownGuard guard =
            ShutdownGuard.install(
                "tenant " + spec.rootTable() + "." + spec.keyColumn() + " = " + spec.keyValue())) {
      guard.watch(c);
      c.setAutoCommit(false);
      try {
        List<TenantRestoreReport.Table> tables = run(c, utf8, toc, spec, write);
        if (guard.interrupted()) {
          throw new SQLException("the process is shutting down");
        }
        if (write) {
          c.commit();
        } else {
          c.rollback();
        }
        return new TenantRestoreReport(
            sourceName, spec.policy(), tables, Duration.ofNanos(System.nanoTime() - start));
      } catch (SQLException | RuntimeException e) {
        try {
          c.rollback();
        } catch (SQLException r) {
          e.addSuppressed(r);
        }
        if (guard.interrupted()) {
          String state = "the transaction was rolled back, nothing was restored";
          guard.outcome(state);
          throw new RestoreInterruptedException(
              what + " interrupted by a shutdown; " + state, true, e);
        }
        if (e instanceof BackupException b) {
          throw b;
        }
        throw new BackupException(
            "tenant restore of "
                + spec.rootTable()
                + "."
                + spec.keyColumn()
                + " = "
                + spec.keyValue()
                + " failed, the transaction was rolled back and nothing"
                + " was restored: "
                + e.getMessage(),
            e);
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new StorageException(
          "cannot use the live database: " + e.getMessage() + "; nothing was restored", e);
    }
  }

  /**
   * Whether the archive defines {@code table} as a table that holds rows of its own (not a
   * partitioned one) but has no TABLE DATA entry for it.
   */
  private static boolean rowsLeftOut(TocFile toc, String table) {
    for (TocEntry e : toc.entries()) {
      if ("TABLE".equals(e.desc()) && table.equals(e.namespace() + "." + e.tag())) {
        return e.relkind() != 'p' && (e.defn() == null || !e.defn().contains("\nPARTITION BY "));
      }
    }
    return false;
  }

  private static List<TenantRestoreReport.Table> run(
      Connection c, ArchiveSource source, TocFile toc, Spec spec, boolean write)
      throws SQLException {
    LiveSchema live = LiveSchema.read(c);
    LiveSchema.Table root = live.find(spec.rootTable());
    column(root, spec.keyColumn());
    Map<Long, LiveSchema.Table> seedsByFilter = new LinkedHashMap<>();
    for (Filter f : spec.filters()) {
      LiveSchema.Table t = live.find(f.table());
      column(t, f.column());
      seedsByFilter.put(t.oid(), t);
    }
    Set<Long> tenant = new LinkedHashSet<>();
    tenant.add(root.oid());
    tenant.addAll(seedsByFilter.keySet());
    closure(tenant, live, true);
    Set<Long> needed = new LinkedHashSet<>(tenant);
    closure(needed, live, false);

    Map<String, TocEntry> data = new LinkedHashMap<>();
    for (TocEntry e : toc.entries()) {
      if ("TABLE DATA".equals(e.desc())) {
        data.put(e.namespace() + "." + e.tag(), e);
      }
    }
    List<String> withoutRows = new ArrayList<>();
    for (long oid : needed) {
      String table = live.tables.get(oid).display();
      if (!data.containsKey(table) && rowsLeftOut(toc, table)) {
        withoutRows.add(table);
      }
    }
    if (!withoutRows.isEmpty()) {
      throw new BackupException(
          "the backup holds the definition of "
              + String.join(", ", withoutRows)
              + " but not its rows (left out when it was made: excludeTableData or"
              + " noUnloggedTableData, pg_dump's --exclude-table-data, --no-unlogged-table-data or"
              + " --schema-only), which the tenant's rows need; nothing was restored");
    }
    Map<Long, Staging> staged = new LinkedHashMap<>();
    int n = 0;
    for (long oid : needed) {
      LiveSchema.Table t = live.tables.get(oid);
      staged.put(oid, Staging.load(c, source, t, data.get(t.display()), ++n));
    }
    log.debug(
        "staged {} tables for the tenant {}.{} = {}",
        staged.size(),
        root.display(),
        spec.keyColumn(),
        spec.keyValue());

    Selection select =
        new Selection(c, staged, live.foreignKeys, root, spec.keyColumn(), spec.keyValue());
    if (select.seed(staged.get(root.oid()), spec.keyColumn(), spec.keyValue()) == 0) {
      throw new NotFoundException(
          "the backup has no row of "
              + root.display()
              + " with "
              + spec.keyColumn()
              + " = "
              + spec.keyValue()
              + ": check the key (and the set);"
              + " nothing was restored");
    }
    for (Filter f : spec.filters()) {
      select.seed(staged.get(live.find(f.table()).oid()), f.column(), f.value());
    }
    select.children(tenant);
    select.missingParents();

    Writer writer = new Writer(c, spec.policy());
    Map<Long, TenantRestoreReport.Table> byTable = new LinkedHashMap<>();
    Map<Long, Staging> touched = new LinkedHashMap<>();
    for (Staging t : staged.values()) {
      TenantRestoreReport.Table count = writer.count(t);
      if (count.insert() + count.conflicts() > 0) {
        byTable.put(t.table.oid(), count);
        touched.put(t.table.oid(), t);
      }
    }
    // only the tables the tenant has rows in are ordered: a cycle elsewhere does not matter
    List<Staging> order = Writer.order(touched, live.foreignKeys);
    List<TenantRestoreReport.Table> counts = new ArrayList<>();
    order.forEach(t -> counts.add(byTable.get(t.table.oid())));
    if (!write) {
      return counts;
    }
    if (spec.policy() == ConflictPolicy.FAIL) {
      List<String> present =
          counts.stream()
              .filter(t -> t.conflicts() > 0)
              .map(t -> t.table() + " (" + t.conflicts() + ")")
              .toList();
      if (!present.isEmpty()) {
        throw new BackupException(
            "rows of the tenant are already in the live database: "
                + String.join(", ", present)
                + "; on-conflict fail refuses, nothing was restored:"
                + " choose skip (keep the live rows) or overwrite (replace them with the backup's)");
      }
    }
    try (Statement s = c.createStatement()) {
      s.execute("SET CONSTRAINTS ALL DEFERRED");
    }
    for (Staging t : order) {
      TenantRestoreReport.Table planned = byTable.get(t.table.oid());
      expect(t, "inserted", planned.insert(), writer.insert(t));
      if (planned.update() > 0) {
        expect(t, "updated", planned.update(), writer.update(t));
      }
      if (planned.insert() > 0) {
        writer.sequences(t);
      }
    }
    try (Statement s = c.createStatement()) {
      // deferred foreign keys are checked here, inside the transaction, not at the commit
      s.execute("SET CONSTRAINTS ALL IMMEDIATE");
    }
    return counts;
  }

  private static void expect(Staging t, String what, long planned, long done) {
    if (planned != done) {
      throw new BackupException(
          t.table.display()
              + ": "
              + done
              + " rows "
              + what
              + " where "
              + planned
              + " were counted: the live database changed during the restore; nothing"
              + " was restored, run it again");
    }
  }

  private static void column(LiveSchema.Table t, String column) {
    if (t.column(column).isEmpty()) {
      throw new IllegalArgumentException(
          "table "
              + t.display()
              + " has no column "
              + column
              + "; its columns: "
              + t.columns().stream().map(LiveSchema.Column::name).toList());
    }
  }

  /** Adds the tables reachable from {@code tables}: children when {@code down}, else parents. */
  private static void closure(Set<Long> tables, LiveSchema live, boolean down) {
    Deque<Long> todo = new ArrayDeque<>(tables);
    while (!todo.isEmpty()) {
      long t = todo.pop();
      for (LiveSchema.ForeignKey fk : live.foreignKeys) {
        long from = down ? fk.parent() : fk.child();
        long to = down ? fk.child() : fk.parent();
        if (from == t && tables.add(to)) {
          todo.push(to);
        }
      }
    }
  }
}
