package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.BackupException;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.RestoreInterruptedException;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.RestoreMode;
import com.avnology.backup.postgres.internal.archive.PgEncodings;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocFile;
import com.avnology.backup.postgres.internal.catalog.Identifiers;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
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
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Restores a directory-format archive into a database over JDBC, as {@code pg_restore -j N
 * --exit-on-error} would, with one difference: whatever fails, and whatever stops the process short
 * of SIGKILL, the database is left as it was found. {@link RestoreMode#IN_PLACE}: a failure after
 * pre-data undoes the restore (every entry's drop statement, in reverse order); a killed restore
 * leaves {@link RestoreMarker}. {@link RestoreMode#SINGLE_TRANSACTION}: one transaction, rolled
 * back on failure.
 */
public final class ArchiveRestore {
  private static final Logger log = LoggerFactory.getLogger(ArchiveRestore.class);
  private static final int COPY_BUFFER = 256 * 1024;

  /** INSERT statements of a {@code pg_dump --inserts} entry sent per round trip. */
  private static final int INSERT_BATCH = 1000;

  private final DataSource dataSource;
  private final int jobs;
  private final PostgresOptions options;
  private final ShutdownGuard sharedGuard;
  private final boolean marker;

  /** The settings each transaction of the restore starts with. */
  private volatile String local;

  /**
   * The table access method set (SET LOCAL) in a connection's current transaction, for entries
   * applied in the caller's transaction: set again only when it changes, as pg_restore does.
   */
  private final Map<Connection, String> tableAmInTransaction =
      Collections.synchronizedMap(new IdentityHashMap<>());

  private volatile RestoreProgress progress = RestoreProgress.NONE;

  /** The small tables' data read during an in-place restore's pre-data, or null. */
  private volatile DataPrefetch prefetch;

  /**
   * @param dataSource the target database
   * @param jobs worker connections for data and post-data
   * @param options ownership, privileges, clean, restore mode ({@link RestoreMode#SWAP} is {@link
   *     SwapRestore}'s)
   */
  public ArchiveRestore(DataSource dataSource, int jobs, PostgresOptions options) {
    this(dataSource, jobs, options, null, true);
  }

  /**
   * @param guard the shutdown guard of an enclosing restore, or null to install one
   * @param marker whether an in-place restore marks the database as unfinished until it is done
   */
  ArchiveRestore(
      DataSource dataSource,
      int jobs,
      PostgresOptions options,
      ShutdownGuard guard,
      boolean marker) {
    if (options.restoreMode() == RestoreMode.SWAP) {
      throw new IllegalArgumentException("swap restores are SwapRestore's");
    }
    this.dataSource = dataSource;
    this.jobs = jobs;
    this.options = options;
    this.sharedGuard = guard;
    this.marker = marker;
  }

  /**
   * {@return this restore}
   *
   * @param progress told of entries and rows as they are done
   */
  public ArchiveRestore progress(RestoreProgress progress) {
    this.progress = progress;
    return this;
  }

  /**
   * {@return entries applied}
   *
   * @param source the archive
   * @throws BackupException naming the entry that failed and the state left behind
   * @throws RestoreInterruptedException if the process began to shut down during the restore
   */
  public int restore(ArchiveSource source) {
    // in place, the leader and the workers connect while the archive's TOC is read
    Connecting early =
        options.restoreMode() == RestoreMode.SINGLE_TRANSACTION ? null : new Connecting(jobs);
    try {
      return restore(source, early);
    } finally {
      if (early != null) {
        early.closeUnclaimed();
      }
    }
  }

  private int restore(ArchiveSource source, Connecting early) {
    TocFile toc;
    try {
      toc = source.toc();
    } catch (IOException | RuntimeException e) {
      // a damaged toc.dat often fails to parse before its end is reached; the check on close
      // then says why
      damage(e)
          .ifPresent(
              d -> {
                throw d;
              });
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new StorageException(
          "cannot read toc.dat of " + source.describe() + ": " + e.getMessage(), e);
    }
    RestorePlanner plan = new RestorePlanner(toc.entries(), !options.noPrivileges());
    checkSupported(plan, source);
    progress.expect(plan.all().size());
    source = TranscodingArchiveSource.utf8(source, toc).orElseThrow();
    local = Sessions.local(plan.searchPath);
    ShutdownGuard own = sharedGuard == null ? ShutdownGuard.install(source.describe()) : null;
    ShutdownGuard guard = own != null ? own : sharedGuard;
    try {
      return early == null
          ? inOneTransaction(plan, source, guard)
          : inPlace(plan, source, guard, early.claim());
    } finally {
      if (own != null) {
        own.close();
      }
    }
  }

  /**
   * Everything in one transaction on one connection: whatever stops it, the server rolls it back.
   */
  private int inOneTransaction(RestorePlanner plan, ArchiveSource source, ShutdownGuard guard) {
    Connection leader = null;
    boolean began = false;
    boolean committing = false;
    try {
      leader = Connections.open(dataSource, "restore");
      guard.watch(leader);
      Sessions.restore(leader);
      Sessions.label(leader, "restore leader");
      Optional<String> unfinished = RestoreMarker.find(leader);
      if (!options.clean()) {
        refuseUnfinished(unfinished);
        EmptyCheck.requireEmpty(leader);
      }
      interruptedCheck(guard, null);
      leader.setAutoCommit(false);
      began = true;
      try (Statement s = leader.createStatement()) {
        s.execute(local);
      }
      tableAmInTransaction.remove(leader);
      if (options.clean()) {
        if (unfinished.isPresent()) {
          log.warn("{}; this restore replaces it", unfinished.get());
          RestoreMarker.drop(leader);
        }
        clean(leader, plan);
      }
      long t0 = System.nanoTime();
      Set<Integer> foreignTables = foreignTables(plan);
      Set<Integer> createdTables = createdTables(plan);
      applyAll(leader, plan.preData, guard);
      for (TocEntry e : plan.data) {
        load(leader, e, source, foreignTables, createdTables, true, guard);
      }
      runSerial(leader, plan.postData, guard);
      runSerial(leader, plan.acls, guard);
      runSerial(leader, plan.last, guard);
      interruptedCheck(guard, null);
      try (Statement s = leader.createStatement()) {
        s.execute("SET LOCAL synchronous_commit = on");
      }
      committing = true;
      try {
        leader.commit();
      } catch (SQLException e) {
        throw new StorageException(
            "every entry of "
                + source.describe()
                + " was applied, but"
                + " the server did not confirm the commit: "
                + e.getMessage()
                + "; check the"
                + " database before relying on it (the transaction either committed or rolled back"
                + " as a whole)",
            e);
      }
      log.info(
          "restored {} entries in one transaction in {} ms",
          plan.all().size(),
          (System.nanoTime() - t0) / 1_000_000);
      return plan.all().size();
    } catch (SQLException | RuntimeException | Error f) {
      if (committing && f instanceof StorageException storageException) {
        throw storageException;
      }
      if (began) {
        rollbackQuietly(leader);
      } else if (f instanceof BackupException b && !guard.interrupted()) {
        throw b; // refused before anything was written: the message says why
      }
      throw failure(
          source,
          f,
          guard,
          began
              ? "the transaction was rolled back, the database is as it was"
              : "nothing was written, the database is as it was",
          true);
    } finally {
      if (leader != null) {
        guard.unwatch(leader);
        Connections.closeQuietly(leader);
      }
    }
  }

  /**
   * Pre-data in one transaction, then data and post-data on the workers, each load committed as it
   * completes; any failure, or a shutdown, drops everything again. The database is marked as
   * holding an unfinished restore until the end, for the case nothing can undo it (SIGKILL).
   */
  private int inPlace(
      RestorePlanner plan, ArchiveSource source, ShutdownGuard guard, Connecting connecting) {
    List<CompletableFuture<Connection>> workers = connecting.workers();
    Connection leader = null;
    boolean marked = false;
    boolean written = false;
    try {
      leader = joinAll(List.of(connecting.leader())).get(0);
      guard.watch(leader);
      refuseUnfinished(RestoreMarker.find(leader));
      EmptyCheck.requireEmpty(leader);
      // every connection is up before anything is written
      List<Connection> workerConnections = joinAll(workers);
      workerConnections.forEach(guard::watch);
      interruptedCheck(guard, null);
      if (marker) {
        RestoreMarker.create(leader, RestoreMarker.describe(source.describe()));
        marked = true;
      }
      long t0 = System.nanoTime();
      // the small tables' data is read while pre-data keeps the leader busy
      prefetch = DataPrefetch.start(source, plan.data);
      leader.setAutoCommit(false);
      try {
        try (Statement s = leader.createStatement()) {
          s.execute(local);
        }
        tableAmInTransaction.remove(leader);
        applyAll(leader, plan.preData, guard);
        interruptedCheck(guard, null);
        // if the commit fails, it may have happened all the same
        written = true;
        leader.commit();
      } catch (SQLException | RuntimeException | Error f) {
        rollbackQuietly(leader);
        throw f;
      } finally {
        leader.setAutoCommit(true);
        prefetch.finish();
      }
      long t1 = System.nanoTime();
      runParallel(plan, source, workerConnections, guard);
      long t2 = System.nanoTime();
      runSerial(leader, plan.acls, guard);
      runSerial(leader, plan.last, guard);
      interruptedCheck(guard, null);
      if (marked) {
        RestoreMarker.drop(leader);
      }
      try {
        Sessions.durable(leader);
      } catch (SQLException e) {
        throw new StorageException(
            "every entry of "
                + source.describe()
                + " was restored,"
                + " but the server did not confirm that the restore is durable: "
                + e.getMessage()
                + "; check the database before relying on it",
            e);
      }
      log.info(
          "restored {} entries: pre-data {} ms, data and post-data {} ms on {} jobs,"
              + " the rest {} ms",
          plan.all().size(),
          (t1 - t0) / 1_000_000,
          (t2 - t1) / 1_000_000,
          jobs,
          (System.nanoTime() - t2) / 1_000_000);
      return plan.all().size();
    } catch (StorageException durable) {
      if (durable.getMessage().startsWith("every entry of")) {
        throw durable;
      }
      throw undoAndFail(source, durable, leader, plan, guard, marked, written);
    } catch (SQLException | RuntimeException | Error f) {
      if (!marked && !written && f instanceof BackupException b && !guard.interrupted()) {
        throw b; // refused before anything was written: the message says why
      }
      throw undoAndFail(source, f, leader, plan, guard, marked, written);
    } finally {
      if (prefetch != null) {
        prefetch.close();
        prefetch = null;
      }
      if (leader != null) {
        guard.unwatch(leader);
        Connections.closeQuietly(leader);
      }
      // closes what runParallel did not get to (a failure before it, or after it started)
      for (CompletableFuture<Connection> w : workers) {
        var unused = w.whenComplete((c, e) -> Connections.closeQuietly(c));
      }
    }
  }

  private RuntimeException undoAndFail(
      ArchiveSource source,
      Throwable f,
      Connection leader,
      RestorePlanner plan,
      ShutdownGuard guard,
      boolean marked,
      boolean written) {
    if (leader != null) {
      guard.unwatch(leader);
    }
    RestoreUndo.Result undo =
        written
            ? RestoreUndo.undo(dataSource, leader, plan, marked)
            : RestoreUndo.dropMarker(dataSource, leader, marked);
    return failure(source, f, guard, undo.state(), undo.complete());
  }

  private static void refuseUnfinished(Optional<String> unfinished) {
    if (unfinished.isPresent()) {
      throw new BackupException(
          unfinished.get()
              + ": the database holds part of that restore;"
              + " drop and recreate the database, or choose clean() (CLI --clean), which replaces it"
              + " in one transaction");
    }
  }

  private static void interruptedCheck(ShutdownGuard guard, TocEntry e) {
    if (guard.interrupted()) {
      throw new EntryFailure(
          (e == null ? "the restore" : describe(e)) + " stopped: the process is shutting down",
          null);
    }
  }

  /**
   * @param state what the database was left as
   * @param unchanged whether it is as it was before the restore
   * @return the exception to throw for a failed restore
   */
  private static RuntimeException failure(
      ArchiveSource source, Throwable f, ShutdownGuard guard, String state, boolean unchanged) {
    if (guard.interrupted()) {
      guard.outcome(state);
      return new RestoreInterruptedException(
          "restore of " + source.describe() + " interrupted by a shutdown; " + state, unchanged, f);
    }
    Optional<IntegrityException> damage = damage(f);
    if (damage.isPresent()) {
      return new IntegrityException(f.getMessage() + "; " + state, damage.get());
    }
    if (f instanceof EntryFailure) {
      return new BackupException(f.getMessage() + "; " + state, f.getCause());
    }
    if (f instanceof SQLException) {
      return new StorageException(
          "restore from " + source.describe() + " failed: " + f.getMessage() + "; " + state, f);
    }
    if (f instanceof BackupException b) {
      return new BackupException(b.getMessage() + "; " + state, b);
    }
    return new BackupException(
        "restore from " + source.describe() + " failed: " + f + "; " + state, f);
  }

  /**
   * The leader's and the workers' connections of an in-place restore, each opened (and its session
   * set up) on a thread of its own. Whoever holds it either {@link #claim()}s it, and then closes
   * every connection itself, or ends with {@link #closeUnclaimed()}.
   */
  private final class Connecting {
    private final CompletableFuture<Connection> leader;
    private final List<CompletableFuture<Connection>> workers = new ArrayList<>();
    private boolean claimed;

    Connecting(int jobs) {
      leader = open("restore", "restore leader", 0);
      for (int i = 0; i < Math.max(1, jobs); i++) {
        workers.add(open("restore worker", "restore worker", i + 1));
      }
    }

    CompletableFuture<Connection> leader() {
      return leader;
    }

    List<CompletableFuture<Connection>> workers() {
      return workers;
    }

    Connecting claim() {
      claimed = true;
      return this;
    }

    /**
     * Unless they were claimed, waits for every connection to be opened (or to fail) and closes it:
     * a restore that failed before it began leaves no session behind when it returns.
     */
    void closeUnclaimed() {
      if (!claimed) {
        List<CompletableFuture<Connection>> all = new ArrayList<>(workers);
        all.add(leader);
        for (CompletableFuture<Connection> f : all) {
          try {
            Connections.closeQuietly(f.join());
          } catch (CompletionException | java.util.concurrent.CancellationException e) {
            // it did not open
          }
        }
      }
    }

    private CompletableFuture<Connection> open(String purpose, String label, int n) {
      CompletableFuture<Connection> f = new CompletableFuture<>();
      Thread t =
          new Thread(
              () -> {
                Connection c = null;
                try {
                  c = Connections.open(dataSource, purpose);
                  Sessions.restore(c);
                  Sessions.label(c, label);
                  f.complete(c);
                } catch (SQLException | RuntimeException e) {
                  Connections.closeQuietly(c);
                  f.completeExceptionally(e);
                } catch (Error e) {
                  Connections.closeQuietly(c);
                  f.completeExceptionally(e); // whoever waits must not wait forever
                  throw e;
                }
              },
              "avnology-restore-connect-" + n);
      t.setDaemon(true);
      t.start();
      return f;
    }
  }

  private static void checkSupported(RestorePlanner plan, ArchiveSource source) {
    if (plan.encoding != null
        && (plan.encoding.equalsIgnoreCase("SQL_ASCII")
            || PgEncodings.charset(plan.encoding).isEmpty())) {
      throw new BackupException(
          "archive "
              + source.describe()
              + " holds "
              + plan.encoding
              + " data, which cannot be converted to UTF8 for JDBC: dump with pg_dump -E UTF8");
    }
    if (!plan.standardStrings) {
      throw new BackupException(
          "archive "
              + source.describe()
              + " was made with standard_conforming_strings off, which this restore does not"
              + " support: dump again with it on");
    }
    for (TocEntry e : plan.all()) {
      if (e.desc().equals("BLOB METADATA")) {
        throw new BackupException(
            "archive "
                + source.describe()
                + " holds large objects in"
                + " groups (entry "
                + e.dumpId()
                + ", pg_dump 17), which this restore does not"
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
        if (e.dropStmt() == null || e.dropStmt().isBlank() || RestoreUndo.isPublicSchema(e)) {
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

  /**
   * Ids of the entries whose TABLE DATA must not be truncated before its COPY: foreign tables, and,
   * by their absence from the set of created tables, extension configuration tables, which {@code
   * CREATE EXTENSION} filled with rows of its own (their TABLE DATA has no TABLE entry).
   */
  private static Set<Integer> foreignTables(RestorePlanner plan) {
    Set<Integer> foreignTables = new HashSet<>();
    plan.all().stream()
        .filter(t -> t.desc().equals("FOREIGN TABLE"))
        .forEach(t -> foreignTables.add(t.dumpId()));
    return foreignTables;
  }

  private static Set<Integer> createdTables(RestorePlanner plan) {
    Set<Integer> created = new HashSet<>();
    plan.all().stream().filter(t -> t.desc().equals("TABLE")).forEach(t -> created.add(t.dumpId()));
    return created;
  }

  private void runParallel(
      RestorePlanner plan, ArchiveSource source, List<Connection> workers, ShutdownGuard guard) {
    try {
      Map<Integer, Long> sizes = new HashMap<>();
      for (TocEntry d : plan.data) {
        if (d.dataFile() != null && !d.dataFile().isEmpty()) {
          sizes.put(d.dumpId(), source.dataSize(d.dataFile()));
        }
      }
      Set<Integer> foreignTables = foreignTables(plan);
      Set<Integer> createdTables = createdTables(plan);
      TaskScheduler<TocEntry> scheduler = new TaskScheduler<>(plan.parallelTasks(sizes));
      try {
        Workers.run(
            workers,
            scheduler,
            (c, e) -> {
              long start = System.nanoTime();
              load(c, e, source, foreignTables, createdTables, false, guard);
              log.debug("{} took {} ms", describe(e), (System.nanoTime() - start) / 1_000_000);
            },
            "avnology-restore");
      } catch (EntryFailure f) {
        throw f;
      } catch (Exception | Error e) {
        throw new EntryFailure("restore worker failed: " + e, e);
      }
    } finally {
      workers.forEach(guard::unwatch);
      workers.forEach(Connections::closeQuietly);
    }
  }

  private void runSerial(Connection c, List<TocEntry> entries, ShutdownGuard guard) {
    for (TocEntry e : entries) {
      apply(c, e, guard);
    }
  }

  /**
   * @param inTransaction whether the load is part of the caller's transaction (else its own)
   */
  private void load(
      Connection c,
      TocEntry e,
      ArchiveSource source,
      Set<Integer> foreignTables,
      Set<Integer> createdTables,
      boolean inTransaction,
      ShutdownGuard guard) {
    if (e.desc().equals("TABLE DATA")) {
      interruptedCheck(guard, e);
      if (e.copyStmt() == null || e.copyStmt().isBlank()) {
        insertsIn(c, e, source, inTransaction);
      } else {
        // a table this restore did not create (an extension's configuration table) keeps its rows
        boolean keepRows =
            !Collections.disjoint(e.dependencies(), foreignTables)
                || Collections.disjoint(e.dependencies(), createdTables);
        copyIn(c, e, source, keepRows, inTransaction);
      }
    } else if (e.desc().equals("BLOBS")) {
      interruptedCheck(guard, e);
      loadLargeObjects(c, e, source, inTransaction);
    } else {
      apply(c, e, guard);
    }
  }

  /**
   * Applies an entry: in the caller's transaction when there is one, else in one of its own that
   * starts with the restore's {@linkplain Sessions#local settings}. What the entry sends (BEGIN,
   * the settings, its definition, its owner, COMMIT) goes to the server as one string, in one round
   * trip, as pg_restore sends each entry with one {@code PQexec}; a definition with a SQL-standard
   * function body ({@code BEGIN ATOMIC … END}) goes on its own, because PgJDBC would glue what
   * follows it to the body.
   */
  private void apply(Connection c, TocEntry e, ShutdownGuard guard) {
    interruptedCheck(guard, e);
    boolean own = false;
    try (Statement s = c.createStatement()) {
      // the archive's SQL goes to the server as written: no JDBC escape rewriting, and no second
      // client-side scan of every definition for escapes
      s.setEscapeProcessing(false);
      own = c.getAutoCommit();
      List<String> parts = new ArrayList<>(5);
      if (own) {
        parts.add("BEGIN");
        parts.add(local);
      }
      tableAm(c, e, own, parts);
      String defn = definition(e);
      if (ownStatement(defn)) {
        if (!parts.isEmpty()) {
          s.execute(joined(parts));
          parts.clear();
        }
        s.execute(defn);
        defn = null;
      }
      if (defn != null) {
        parts.add(defn);
      }
      owner(e, parts);
      if (own) {
        parts.add("COMMIT");
      }
      if (!parts.isEmpty()) {
        s.execute(joined(parts));
      }
      progress.entryDone();
    } catch (SQLException ex) {
      if (own) {
        endFailedTransaction(c);
      }
      throw new EntryFailure(describe(e) + " failed: " + ex.getMessage(), ex);
    }
  }

  /** Entries per round trip of {@link #applyAll}, and the most SQL text one carries. */
  private static final int BATCH_ENTRIES = 64;

  private static final int BATCH_CHARS = 256 * 1024;

  /**
   * Applies entries in the caller's transaction, up to {@value #BATCH_ENTRIES} per round trip: a
   * schema of thousands of objects restores in a few dozen round trips instead of one per object
   * (pg_restore makes one per entry), while the server does the same work. Each batch runs under a
   * savepoint; if one fails, it is rolled back to it and its entries are applied one at a time, so
   * the failure names the entry, as it would unbatched. A definition with a SQL-standard body goes
   * on its own ({@link #apply}).
   */
  private void applyAll(Connection c, List<TocEntry> entries, ShutdownGuard guard) {
    List<TocEntry> batch = new ArrayList<>(BATCH_ENTRIES);
    List<String> sql = new ArrayList<>();
    int chars = 0;
    String tableAmBefore = tableAmInTransaction.get(c);
    for (TocEntry e : entries) {
      String defn = definition(e);
      if (ownStatement(defn)) {
        flush(c, batch, sql, tableAmBefore, guard);
        chars = 0;
        apply(c, e, guard);
        tableAmBefore = tableAmInTransaction.get(c);
        continue;
      }
      tableAm(c, e, false, sql);
      if (defn != null) {
        sql.add(defn);
        chars += defn.length();
      }
      owner(e, sql);
      batch.add(e);
      if (batch.size() >= BATCH_ENTRIES || chars >= BATCH_CHARS) {
        flush(c, batch, sql, tableAmBefore, guard);
        chars = 0;
        tableAmBefore = tableAmInTransaction.get(c);
      }
    }
    flush(c, batch, sql, tableAmBefore, guard);
  }

  private void flush(
      Connection c,
      List<TocEntry> batch,
      List<String> sql,
      String tableAmBefore,
      ShutdownGuard guard) {
    if (batch.isEmpty()) {
      return;
    }
    interruptedCheck(guard, batch.get(0));
    try {
      if (!sql.isEmpty()) {
        try (Statement s = c.createStatement()) {
          s.setEscapeProcessing(false);
          s.execute("SAVEPOINT avnology_entries\n;" + joined(sql) + "RELEASE avnology_entries");
        }
      }
      batch.forEach(e -> progress.entryDone());
    } catch (SQLException ex) {
      try (Statement s = c.createStatement()) {
        s.execute("ROLLBACK TO SAVEPOINT avnology_entries");
        s.execute("RELEASE avnology_entries");
      } catch (SQLException broken) {
        ex.addSuppressed(broken);
        throw new EntryFailure(
            describe(batch.get(0))
                + " or one of the "
                + (batch.size() - 1)
                + " entries after it failed: "
                + ex.getMessage(),
            ex);
      }
      // the rollback undid the batch's SET LOCALs too
      if (tableAmBefore == null) {
        tableAmInTransaction.remove(c);
      } else {
        tableAmInTransaction.put(c, tableAmBefore);
      }
      for (TocEntry e : batch) {
        apply(c, e, guard); // throws for the entry that failed, named
      }
    } finally {
      batch.clear();
      sql.clear();
    }
  }

  /**
   * Sets the entry's table access method: always in a transaction of its own, in the caller's
   * transaction only when it changes (as pg_restore does).
   */
  private void tableAm(Connection c, TocEntry e, boolean own, List<String> parts) {
    if (e.tableAm() != null
        && !e.tableAm().isEmpty()
        && (own || !e.tableAm().equals(tableAmInTransaction.get(c)))) {
      parts.add("SET LOCAL default_table_access_method = " + Identifiers.quote(e.tableAm()));
      if (!own) {
        tableAmInTransaction.put(c, e.tableAm());
      }
    }
  }

  private void owner(TocEntry e, List<String> parts) {
    if (!options.noOwner()) {
      OwnerStatements.of(e).ifPresent(parts::add);
    }
  }

  /** {@return the entry's definition, or null if it has none} */
  private static String definition(TocEntry e) {
    return e.defn() != null && !e.defn().isBlank() ? e.defn() : null;
  }

  /**
   * {@return whether the definition must go to the server alone: PgJDBC would glue what follows a
   * SQL-standard function body ({@code BEGIN ATOMIC … END}) to the body}
   */
  private static boolean ownStatement(String defn) {
    return defn != null && BEGIN_ATOMIC.matcher(defn).find();
  }

  private static final Pattern BEGIN_ATOMIC = Pattern.compile("(?i)\\bBEGIN\\s+ATOMIC\\b");

  /**
   * Statements joined into one string for one round trip. Each ends with a newline before its
   * semicolon, so that a definition ending in a line comment does not swallow what follows, and the
   * next starts right after it (pg_stat_activity shows each as it was written).
   */
  private static String joined(List<String> parts) {
    StringBuilder sql = new StringBuilder();
    for (String p : parts) {
      sql.append(p).append("\n;");
    }
    return sql.toString();
  }

  /** Ends a transaction of an entry's own that failed (autocommit is on: no rollback()). */
  private static void endFailedTransaction(Connection c) {
    try (Statement s = c.createStatement()) {
      s.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // the connection is broken, and its transaction with it; the failure matters more
    }
  }

  private void copyIn(
      Connection c, TocEntry e, ArchiveSource source, boolean foreign, boolean inTransaction) {
    String table = Identifiers.quote(e.namespace()) + "." + Identifiers.quote(e.tag());
    String copy = copyStatement(e.copyStmt());
    // a foreign table's rows live elsewhere: no TRUNCATE (postgres_fdw would empty the remote
    // table), and FREEZE is refused there
    boolean ownTable = !foreign && loadsTable(copy, table);
    // As pg_restore -j does for a table it created: TRUNCATE and COPY in one transaction, which
    // lets the server skip WAL for the load when wal_level is minimal; and FREEZE, which that makes
    // possible: rows arrive frozen and all-visible, so the index builds that follow never stop to
    // set hint bits (a fifth of a primary key build) and nobody has to vacuum-freeze the restored
    // database later. Other sessions see the rows as soon as the load commits, which is harmless:
    // the table did not exist before this restore. For a small table none of that is worth the
    // TRUNCATE (new files for the table and each of its indexes, 1-2 ms of server time; 1.2 s of
    // the regression database's 523 tables), so it is loaded as it is. In a single transaction the
    // table was created in it, which FREEZE needs, and nobody sees anything before the end.
    long stored = source.dataSize(e.dataFile());
    boolean truncate = ownTable && !inTransaction && worthFreezing(stored);
    if (ownTable && (inTransaction || truncate)) {
      copy += " WITH (FREEZE)";
    }
    // buffers as large as the data is likely to be (a schema of 500 small tables allocated and
    // zeroed 160 MB of copy buffers)
    int buffer = copyBuffer(stored);
    DataPrefetch ahead = prefetch;
    try (InputStream in =
            CopyTerminator.strip(
                ahead != null ? ahead.open(e.dataFile()) : source.openData(e.dataFile()), buffer);
        Statement s = c.createStatement()) {
      if (!inTransaction) {
        c.setAutoCommit(false);
        s.execute(truncate ? local + ";TRUNCATE TABLE ONLY " + table : local);
      }
      // A load through another table (pg_dump --load-via-partition-root loads a partition through
      // its root, which FREEZE refuses) is a plain COPY, as pg_restore 16 does it: truncating the
      // partition there could deadlock with a load routed into it.
      long rows = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copy, in, buffer);
      // reads what the decoder left and checks the artifact's size and SHA-256 before the load
      // is committed
      in.close();
      if (!inTransaction) {
        c.commit();
      }
      progress.rowsDone(rows);
      progress.entryDone();
    } catch (SQLException | IOException | RuntimeException ex) {
      throw loadFailed(c, e, ex, inTransaction);
    } finally {
      if (!inTransaction) {
        autocommit(c);
      }
    }
  }

  /**
   * Data written by {@code pg_dump --inserts} / {@code --column-inserts}: its INSERT statements,
   * sent in batches, in one transaction of their own (or the caller's), so that a failure leaves
   * the table as it was.
   */
  private void insertsIn(Connection c, TocEntry e, ArchiveSource source, boolean inTransaction) {
    try (Reader in = new InputStreamReader(source.openData(e.dataFile()), StandardCharsets.UTF_8);
        Statement s = c.createStatement()) {
      if (!inTransaction) {
        c.setAutoCommit(false);
        s.execute(local);
      }
      InsertStatements statements = new InsertStatements(new BufferedReader(in, COPY_BUFFER));
      long rows = 0;
      int batched = 0;
      for (String sql = statements.next(); sql != null; sql = statements.next()) {
        s.addBatch(sql);
        if (++batched == INSERT_BATCH) {
          rows += rowCount(s.executeBatch());
          batched = 0;
        }
      }
      if (batched > 0) {
        rows += rowCount(s.executeBatch());
      }
      // reads what the decoder left and checks the artifact's size and SHA-256 before commit
      in.close();
      if (!inTransaction) {
        c.commit();
      }
      progress.rowsDone(rows);
      progress.entryDone();
    } catch (SQLException | IOException | RuntimeException ex) {
      throw loadFailed(c, e, ex, inTransaction);
    } finally {
      if (!inTransaction) {
        autocommit(c);
      }
    }
  }

  private static long rowCount(int[] counts) {
    long rows = 0;
    for (int n : counts) {
      rows += Math.max(n, 0);
    }
    return rows;
  }

  /**
   * Rolls back a load in a transaction of its own and names the entry. A damaged artifact makes the
   * decoder or the server fail before its end; the check made when the stream is closed names the
   * real problem.
   */
  private static EntryFailure loadFailed(
      Connection c, TocEntry e, Exception ex, boolean inTransaction) {
    if (!inTransaction) {
      rollbackQuietly(c);
    }
    Throwable cause = damage(ex).<Throwable>map(d -> d).orElse(ex);
    return new EntryFailure(describe(e) + " failed: " + cause.getMessage(), cause);
  }

  private void loadLargeObjects(
      Connection c, TocEntry e, ArchiveSource source, boolean inTransaction) {
    try {
      LargeObjectLoad.load(c, e, source, !inTransaction);
      progress.entryDone();
    } catch (SQLException | IOException | RuntimeException ex) {
      throw loadFailed(c, e, ex, inTransaction);
    } finally {
      if (!inTransaction) {
        autocommit(c);
      }
    }
  }

  /**
   * Stored size from which a table created by the restore is truncated before its load, so that its
   * rows arrive frozen (see {@link #copyIn}).
   */
  static final long FREEZE_FROM_BYTES = 1 << 20;

  /** {@return whether a load of that stored size (0: unknown) goes in frozen} */
  public static boolean worthFreezing(long storedBytes) {
    return storedBytes == 0 || storedBytes >= FREEZE_FROM_BYTES;
  }

  /**
   * {@return a copy buffer for data of that stored size (0: unknown): four times the stored size
   * (it is usually compressed), between 16 KiB and {@link #COPY_BUFFER}}
   */
  static int copyBuffer(long storedBytes) {
    return storedBytes <= 0
        ? COPY_BUFFER
        : (int) Math.max(16 * 1024, Math.min(COPY_BUFFER, storedBytes * 4));
  }

  /** The archive's COPY statement without its semicolon. */
  static String copyStatement(String copyStmt) {
    String copy = copyStmt.strip();
    if (copy.endsWith(";")) {
      copy = copy.substring(0, copy.length() - 1).stripTrailing();
    }
    return copy;
  }

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  /**
   * {@return whether it loads that very table from stdin}
   *
   * @param copy a COPY statement from an archive, as {@link #copyStatement} gives it
   * @param table the entry's table, quoted as pg_dump quotes it
   */
  static boolean loadsTable(String copy, String table) {
    String normal = WHITESPACE.matcher(copy).replaceAll(" "); // no columns: "COPY t  FROM"
    return (normal.startsWith("COPY " + table + " (")
            || normal.startsWith("COPY " + table + " FROM"))
        && normal.endsWith("FROM stdin");
  }

  /**
   * {@return the integrity check that failed with it (itself, a cause, or suppressed when the
   * stream was closed), if any}
   *
   * @param failure a failure while reading an archive
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

  static void autocommit(Connection c) {
    try {
      c.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the connection is broken; the next use reports it
    }
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
