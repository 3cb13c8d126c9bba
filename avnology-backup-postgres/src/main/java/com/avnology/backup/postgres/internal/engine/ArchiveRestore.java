package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.BackupException;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.internal.archive.PgEncodings;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocFile;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a directory-format archive into a database over JDBC, as {@code pg_restore -j N
 * --exit-on-error} would, with one difference: a failure after pre-data undoes the restore (every
 * entry's drop statement, in reverse order) so the database is left as it was found.
 */
public final class ArchiveRestore {
  private static final Logger log = LoggerFactory.getLogger(ArchiveRestore.class);
  private static final int COPY_BUFFER = 256 * 1024;

  private final DataSource dataSource;
  private final int jobs;
  private final PostgresOptions options;

  /**
   * @param dataSource the target database
   * @param jobs worker connections for data and post-data
   * @param options ownership, privileges, clean
   */
  public ArchiveRestore(DataSource dataSource, int jobs, PostgresOptions options) {
    this.dataSource = dataSource;
    this.jobs = jobs;
    this.options = options;
  }

  /**
   * @param source the archive
   * @return entries applied
   * @throws BackupException naming the entry that failed and the state left behind
   */
  public int restore(ArchiveSource source) {
    TocFile toc;
    try {
      toc = source.toc();
    } catch (IOException | RuntimeException e) {
      // a damaged toc.dat often fails to parse before its end is reached; the check on close
      // then says why
      damage(e).ifPresent(d -> {
        throw d;
      });
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new StorageException("cannot read toc.dat of " + source.describe() + ": "
          + e.getMessage(), e);
    }
    RestorePlanner plan = new RestorePlanner(toc.entries(), !options.noPrivileges());
    checkSupported(plan, source);
    source = TranscodingArchiveSource.utf8(source, toc).orElseThrow();
    // The workers connect while the leader checks the database and runs pre-data.
    List<CompletableFuture<Connection>> workers = openWorkers(plan.searchPath);
    try (Connection leader = Connections.open(dataSource, "restore")) {
      Sessions.restore(leader, plan.searchPath);
      if (!options.clean()) {
        EmptyCheck.requireEmpty(leader);
      }
      // every connection is up before anything is written
      List<Connection> workerConnections = joinAll(workers);
      long t0 = System.nanoTime();
      runPreData(leader, plan);
      long t1 = System.nanoTime();
      try {
        runParallel(plan, source, workerConnections);
        long t2 = System.nanoTime();
        runSerial(leader, plan.acls);
        runSerial(leader, plan.last);
        try {
          Sessions.durable(leader);
        } catch (SQLException e) {
          throw new StorageException("every entry of " + source.describe() + " was restored,"
              + " but the server did not confirm that the restore is durable: " + e.getMessage()
              + "; check the database before relying on it", e);
        }
        log.info("restored {} entries: pre-data {} ms, data and post-data {} ms on {} jobs,"
            + " the rest {} ms", plan.all().size(), (t1 - t0) / 1_000_000,
            (t2 - t1) / 1_000_000, jobs, (System.nanoTime() - t2) / 1_000_000);
      } catch (EntryFailure f) {
        String undo = undo(leader, plan);
        if (f.getCause() instanceof IntegrityException) {
          throw new IntegrityException(f.getMessage() + "; " + undo, f.getCause());
        }
        throw new BackupException(f.getMessage() + "; " + undo, f.getCause());
      }
      return plan.all().size();
    } catch (EntryFailure f) {
      throw new BackupException(f.getMessage() + "; pre-data (and clean) run in one transaction,"
          + " so the database was left as it was", f.getCause());
    } catch (SQLException e) {
      throw new StorageException("restore from " + source.describe() + " failed: "
          + e.getMessage(), e);
    } finally {
      // closes what runParallel did not get to (a failure before it, or after it started)
      workers.forEach(w -> w.whenComplete((c, e) -> Connections.closeQuietly(c)));
    }
  }

  private List<CompletableFuture<Connection>> openWorkers(String searchPath) {
    List<CompletableFuture<Connection>> workers = new ArrayList<>();
    for (int i = 0; i < Math.max(1, jobs); i++) {
      CompletableFuture<Connection> worker = new CompletableFuture<>();
      Thread t = new Thread(() -> {
        Connection c = null;
        try {
          c = Connections.open(dataSource, "restore worker");
          Sessions.restore(c, searchPath);
          worker.complete(c);
        } catch (SQLException | RuntimeException e) {
          Connections.closeQuietly(c);
          worker.completeExceptionally(e);
        }
      }, "avnology-restore-connect-" + (i + 1));
      t.setDaemon(true);
      t.start();
      workers.add(worker);
    }
    return workers;
  }

  private static void checkSupported(RestorePlanner plan, ArchiveSource source) {
    if (plan.encoding != null && (plan.encoding.equalsIgnoreCase("SQL_ASCII")
        || PgEncodings.charset(plan.encoding).isEmpty())) {
      throw new BackupException("archive " + source.describe() + " holds " + plan.encoding
          + " data, which cannot be converted to UTF8 for JDBC: dump with pg_dump -E UTF8");
    }
    if (!plan.standardStrings) {
      throw new BackupException("archive " + source.describe()
          + " was made with standard_conforming_strings off, which this restore does not"
          + " support: dump again with it on");
    }
    for (TocEntry e : plan.all()) {
      if (e.desc().equals("TABLE DATA") && (e.copyStmt() == null || e.copyStmt().isBlank())) {
        throw new BackupException("archive " + source.describe() + " holds its data as INSERT"
            + " statements (pg_dump --inserts; entry " + e.dumpId() + "), which this restore does"
            + " not support yet; nothing was restored: dump without --inserts");
      }
      if (e.desc().equals("BLOB METADATA")) {
        throw new BackupException("archive " + source.describe() + " holds large objects in"
            + " groups (entry " + e.dumpId() + ", pg_dump 17), which this restore does not"
            + " support yet; nothing was restored");
      }
    }
  }

  /**
   * Drops the archive's objects in reverse order, inside the pre-data transaction. A drop that
   * fails (say, a partition's inherited constraint, which goes with its parent) is rolled back to
   * its savepoint and skipped, as pg_restore --clean carries on past such errors.
   */
  private void clean(Connection leader, RestorePlanner plan) throws SQLException {
    List<TocEntry> reversed = new ArrayList<>(plan.all());
    Collections.reverse(reversed);
    int skipped = 0;
    try (Statement s = leader.createStatement()) {
      for (TocEntry e : reversed) {
        if (e.dropStmt() == null || e.dropStmt().isBlank() || isPublicSchema(e)) {
          continue;
        }
        s.execute("SAVEPOINT avnology_clean");
        try {
          s.execute(DropStatements.ifExists(e.dropStmt()));
          s.execute("RELEASE SAVEPOINT avnology_clean");
        } catch (SQLException ex) {
          s.execute("ROLLBACK TO SAVEPOINT avnology_clean");
          skipped++;
          log.debug("clean: {} not dropped: {}", describe(e), ex.getMessage());
        }
      }
    }
    if (skipped > 0) {
      log.info("clean: {} drops skipped (objects that go with their parents)", skipped);
    }
  }

  private void runPreData(Connection leader, RestorePlanner plan) throws SQLException {
    leader.setAutoCommit(false);
    try {
      if (options.clean()) {
        clean(leader, plan);
      }
      for (TocEntry e : plan.preData) {
        apply(leader, e);
      }
      leader.commit();
    } catch (SQLException | RuntimeException | Error f) {
      // whatever failed, nothing of clean or pre-data may be committed (switching autocommit
      // back on below would commit an open transaction)
      rollbackQuietly(leader);
      throw f;
    } finally {
      leader.setAutoCommit(true);
    }
  }

  private static List<Connection> joinAll(List<CompletableFuture<Connection>> connecting)
      throws SQLException {
    List<Connection> connections = new ArrayList<>();
    for (CompletableFuture<Connection> c : connecting) {
      try {
        connections.add(c.join());
      } catch (CompletionException e) {
        if (e.getCause() instanceof SQLException sql) {
          throw sql;
        }
        throw e.getCause() instanceof RuntimeException r ? r : e;
      }
    }
    return connections;
  }

  private void runParallel(RestorePlanner plan, ArchiveSource source, List<Connection> workers) {
    try {
      Map<Integer, Long> sizes = new HashMap<>();
      for (TocEntry d : plan.data) {
        if (d.dataFile() != null && !d.dataFile().isEmpty()) {
          sizes.put(d.dumpId(), source.dataSize(d.dataFile()));
        }
      }
      Set<Integer> foreignTables = new HashSet<>();
      plan.all().stream().filter(t -> t.desc().equals("FOREIGN TABLE"))
          .forEach(t -> foreignTables.add(t.dumpId()));
      TaskScheduler<TocEntry> scheduler = new TaskScheduler<>(plan.parallelTasks(sizes));
      try {
        Workers.run(workers, scheduler, (c, e) -> {
          long start = System.nanoTime();
          if (e.desc().equals("TABLE DATA")) {
            copyIn(c, e, source, !Collections.disjoint(e.dependencies(), foreignTables));
          } else if (e.desc().equals("BLOBS")) {
            loadLargeObjects(c, e, source);
          } else {
            apply(c, e);
          }
          log.debug("{} took {} ms", describe(e), (System.nanoTime() - start) / 1_000_000);
        }, "avnology-restore");
      } catch (EntryFailure f) {
        throw f;
      } catch (Exception | Error e) {
        throw new EntryFailure("restore worker failed: " + e, e);
      }
    } finally {
      workers.forEach(Connections::closeQuietly);
    }
  }

  private void runSerial(Connection c, List<TocEntry> entries) {
    for (TocEntry e : entries) {
      apply(c, e);
    }
  }

  private void apply(Connection c, TocEntry e) {
    try (Statement s = c.createStatement()) {
      if (e.tableAm() != null && !e.tableAm().isEmpty()) {
        s.execute("SET default_table_access_method = " + Identifiers.quote(e.tableAm()));
      }
      if (e.defn() != null && !e.defn().isBlank()) {
        s.execute(e.defn());
      }
      if (!options.noOwner()) {
        var owner = OwnerStatements.of(e);
        if (owner.isPresent()) {
          s.execute(owner.get());
        }
      }
    } catch (SQLException ex) {
      throw new EntryFailure(describe(e) + " failed: " + ex.getMessage(), ex);
    }
  }

  private void copyIn(Connection c, TocEntry e, ArchiveSource source, boolean foreign) {
    String table = Identifiers.quote(e.namespace()) + "." + Identifiers.quote(e.tag());
    String copy = copyStatement(e.copyStmt());
    // a foreign table's rows live elsewhere: no TRUNCATE (postgres_fdw would empty the remote
    // table), and FREEZE is refused there
    boolean ownTable = !foreign && loadsTable(copy, table);
    try (InputStream in = CopyTerminator.strip(source.openData(e.dataFile()));
        Statement s = c.createStatement()) {
      if (ownTable) {
        // As pg_restore -j does for a table it created: TRUNCATE and COPY in one transaction,
        // which lets the server skip WAL for the load when wal_level is minimal; and FREEZE, which
        // that makes possible: rows arrive frozen and all-visible, so the index builds that follow
        // never stop to set hint bits (a fifth of a primary key build) and nobody has to
        // vacuum-freeze the restored database later. Other sessions see the rows as soon as the
        // load commits, which is harmless: the table did not exist before this restore.
        c.setAutoCommit(false);
        s.execute("TRUNCATE TABLE ONLY " + table);
        copy += " WITH (FREEZE)";
      }
      // A load through another table (pg_dump --load-via-partition-root loads a partition through
      // its root, which FREEZE refuses) is a plain COPY, as pg_restore 16 does it: truncating the
      // partition there could deadlock with a load routed into it.
      c.unwrap(PGConnection.class).getCopyAPI().copyIn(copy, in, COPY_BUFFER);
      // reads what the decoder left and checks the artifact's size and SHA-256 before the load
      // is committed
      in.close();
      if (ownTable) {
        c.commit();
      }
    } catch (SQLException | IOException | RuntimeException ex) {
      rollbackQuietly(c);
      // A damaged artifact makes the decoder or the server fail before its end; the check made
      // when the stream is closed names the real problem.
      Throwable cause = damage(ex).<Throwable>map(d -> d).orElse(ex);
      throw new EntryFailure(describe(e) + " failed: " + cause.getMessage(), cause);
    } finally {
      autocommit(c);
    }
  }

  private void loadLargeObjects(Connection c, TocEntry e, ArchiveSource source) {
    try {
      LargeObjectLoad.load(c, e, source);
    } catch (SQLException | IOException | RuntimeException ex) {
      rollbackQuietly(c);
      Throwable cause = damage(ex).<Throwable>map(d -> d).orElse(ex);
      throw new EntryFailure(describe(e) + " failed: " + cause.getMessage(), cause);
    } finally {
      autocommit(c);
    }
  }

  /** The archive's COPY statement without its semicolon. */
  static String copyStatement(String copyStmt) {
    String copy = copyStmt.strip();
    if (copy.endsWith(";")) {
      copy = copy.substring(0, copy.length() - 1).stripTrailing();
    }
    return copy;
  }

  /**
   * @param copy a COPY statement from an archive, as {@link #copyStatement} gives it
   * @param table the entry's table, quoted as pg_dump quotes it
   * @return whether it loads that very table from stdin
   */
  static boolean loadsTable(String copy, String table) {
    String normal = copy.replaceAll("\\s+", " "); // a table without columns: "COPY t  FROM"
    return (normal.startsWith("COPY " + table + " (")
        || normal.startsWith("COPY " + table + " FROM"))
        && normal.endsWith("FROM stdin");
  }

  /**
   * @param failure a failure while reading an archive
   * @return the integrity check that failed with it (itself, a cause, or suppressed when the
   *     stream was closed), if any
   */
  static Optional<IntegrityException> damage(Throwable failure) {
    Deque<Throwable> todo = new ArrayDeque<>(List.of(failure));
    Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
    while (!todo.isEmpty()) {
      Throwable t = todo.pop();
      if (!seen.add(t)) {
        continue;
      }
      if (t instanceof IntegrityException i) {
        return Optional.of(i);
      }
      if (t.getCause() != null) {
        todo.add(t.getCause());
      }
      todo.addAll(List.of(t.getSuppressed()));
    }
    return Optional.empty();
  }

  private static void rollbackQuietly(Connection c) {
    try {
      c.rollback();
    } catch (SQLException ignored) {
      // the failure being reported matters more
    }
  }

  private static void autocommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is broken; the next use reports it
    }
  }

  private String undo(Connection leader, RestorePlanner plan) {
    List<TocEntry> reversed = new ArrayList<>(plan.all());
    Collections.reverse(reversed);
    int failed = 0;
    for (TocEntry e : reversed) {
      if (e.dropStmt() == null || e.dropStmt().isBlank() || isPublicSchema(e)) {
        continue;
      }
      try (Statement s = leader.createStatement()) {
        s.execute(DropStatements.ifExists(e.dropStmt()));
      } catch (SQLException ex) {
        failed++;
        log.warn("undo of {} failed: {}", describe(e), ex.getMessage());
      }
    }
    if (options.clean()) {
      return "everything the restore created was dropped again; the objects clean() dropped"
          + " before are gone" + (failed > 0 ? " (" + failed + " drops failed)" : "");
    }
    return failed == 0
        ? "everything the restore created was dropped again, the database is as it was"
        : "undo failed for " + failed + " objects: the database is partly restored,"
            + " drop and recreate it";
  }

  private static boolean isPublicSchema(TocEntry e) {
    return e.desc().equals("SCHEMA") && "public".equals(e.tag());
  }

  static String describe(TocEntry e) {
    String ns = e.namespace() == null || e.namespace().isEmpty() ? "" : e.namespace() + " ";
    return "archive entry " + e.dumpId() + " (" + e.desc() + " " + ns + e.tag() + ")";
  }

  /** A failed entry; carries the message naming it. */
  static final class EntryFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    EntryFailure(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
