package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.Compression;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.internal.archive.ArchiveHeader;
import com.avnology.backup.postgres.internal.archive.ArchiveVersion;
import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.avnology.backup.postgres.internal.archive.TocFile;
import com.avnology.backup.postgres.internal.archive.TocWriter;
import com.avnology.backup.postgres.internal.catalog.Catalog;
import com.avnology.backup.postgres.internal.catalog.CatalogOptions;
import com.avnology.backup.postgres.internal.catalog.CatalogPrefetch;
import com.avnology.backup.postgres.internal.catalog.CatalogReader;
import com.avnology.backup.postgres.internal.catalog.DataLeftOut;
import com.avnology.backup.postgres.internal.catalog.Identifiers;
import com.avnology.backup.postgres.internal.catalog.TableData;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical backup: export a snapshot, read the catalog in it, copy every table on {@code jobs}
 * connections sharing it, and write {@code toc.dat} last.
 */
public final class SnapshotBackup {
  private static final Logger log = LoggerFactory.getLogger(SnapshotBackup.class);
  private static final int COPY_BUFFER = 256 * 1024;

  /** How long a worker waits for a table's lock ({@link #workerLockTimeout}). */
  static final String WORKER_LOCK_WAIT = "1s";

  /** SQLSTATE lock_not_available: NOWAIT, or lock_timeout expired. */
  private static final String LOCK_NOT_AVAILABLE = "55P03";

  private final DataSource dataSource;
  private final String name;
  private final int jobs;
  private final PostgresOptions options;

  /**
   * @param dataSource the database
   * @param name the target's name; artifacts go under {@code <name>/}
   * @param jobs worker connections
   * @param options selection and ownership
   */
  public SnapshotBackup(DataSource dataSource, String name, int jobs, PostgresOptions options) {
    this.dataSource = dataSource;
    this.name = name;
    this.jobs = jobs;
    this.options = options;
  }

  /**
   * Writes the archive. With more than one job, the workers start copying the tables' data as soon
   * as the catalog read has found and locked them, while the leader reads the rest of the catalog
   * (pg_dump copies only after its whole catalog is read).
   *
   * @param context where the archive goes
   * @throws BackupException naming what failed
   */
  public void run(BackupContext context) {
    Compression compression = context.compression();
    CompressionAlgorithm algorithm = algorithm(compression);
    Copies copies = new Copies(context, compression, algorithm);
    List<Connection> workers = new ArrayList<>();
    WorkerOpening opening = null;
    CatalogPrefetch prefetch = null;
    EarlyCopy[] early = {null};
    try (Connection leader = Connections.open(dataSource, "backup")) {
      Sessions.dump(leader, null);
      String snapshot;
      boolean standby;
      try (Statement st = leader.createStatement();
          ResultSet rs =
              st.executeQuery(
                  "SELECT pg_catalog.pg_export_snapshot(), pg_catalog.pg_is_in_recovery()")) {
        rs.next();
        snapshot = rs.getString(1);
        standby = rs.getBoolean(2);
      }
      CatalogReader.TablesFound found = null;
      if (jobs > 1) {
        // the workers connect and take up the snapshot while the leader reads the catalog; the
        // first runs the catalog's largest queries meanwhile, then they copy the tables' data
        // while the leader reads the rest
        prefetch = CatalogPrefetch.forServer(leader.getMetaData().getDatabaseMajorVersion());
        WorkerOpening open = new WorkerOpening(dataSource, jobs, snapshot, prefetch);
        opening = open;
        found =
            tables -> {
              context.expect(tables.size(), estimatedRows(leader, tables));
              early[0] = new EarlyCopy(tables, open, copies);
            };
      }
      long t0 = System.nanoTime();
      Catalog catalog = CatalogReader.read(leader, catalogOptions(standby), prefetch, found);
      long catalogMs = (System.nanoTime() - t0) / 1_000_000;
      ServerInfo server = ServerInfo.read(leader);
      UnsupportedObjects.check(leader, server.database());
      leftOutTableData(leader, catalog, server.database(), standby, context);
      leftOutLargeObjects(leader, server.database(), context);
      log.info(
          "backing up {} ({} entries, {} tables) on snapshot {} with {} jobs",
          server.database(),
          catalog.entries().size(),
          catalog.tables().size(),
          snapshot,
          jobs);
      List<TableData> rest = catalog.tables();
      if (opening == null) {
        workers.add(leader);
      } else {
        workers.addAll(opening.await());
        prefetch.closeUntaken();
        if (early[0] != null) {
          early[0].failure(); // a copy that failed is reported now, before more waiting
          rest = early[0].rest(catalog.tables());
        }
      }
      lockTables(leader, rest);
      long t1 = System.nanoTime();
      if (early[0] != null) {
        early[0].await();
      }
      if (!rest.isEmpty()) {
        context.expect(rest.size(), estimatedRows(leader, rest));
        copies.run(workers, rest);
      }
      int largeObjects =
          LargeObjectCopy.copy(
              leader, catalog.entries(), name, context, compression, algorithm.suffix());
      log.info(
          "catalog read in {} ms, {} tables copied in {} ms after it",
          catalogMs,
          catalog.tables().size(),
          (System.nanoTime() - t1) / 1_000_000);
      writeToc(context, catalog, server, algorithm, compression.level());
      context.metadata("serverVersion", server.version());
      context.metadata("database", server.database());
      context.metadata("snapshot", snapshot);
      context.metadata("tables", Integer.toString(catalog.tables().size()));
      context.metadata("entries", Integer.toString(catalog.entries().size()));
      context.metadata("largeObjects", Integer.toString(largeObjects));
      copies.rows.forEach((table, n) -> context.metadata("rows." + table, Long.toString(n)));
      copies.digests.forEach((table, d) -> context.metadata("content." + table, d));
      context.option("format", "pg_dump directory archive " + version(algorithm));
      context.option("jobs", Integer.toString(jobs));
      leader.rollback();
    } catch (SQLException e) {
      throw new StorageException("backup of postgres/" + name + " failed: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new StorageException(
          "backup of postgres/" + name + " failed writing the archive: " + e.getMessage(), e);
    } finally {
      if (early[0] != null) {
        early[0].stop(); // after a failure: nothing goes on writing once this returns
      }
      for (Connection c : workers) {
        Connections.closeQuietly(c);
      }
      if (opening != null) {
        opening.closeAll();
      }
    }
  }

  /** What the copies of one backup found, and how they copy a table. */
  private final class Copies {
    private final BackupContext context;
    private final Compression compression;
    private final CompressionAlgorithm algorithm;
    final Map<String, Long> rows = new ConcurrentHashMap<>();
    final Map<String, String> digests = new ConcurrentHashMap<>();
    volatile boolean stopped;

    Copies(BackupContext context, Compression compression, CompressionAlgorithm algorithm) {
      this.context = context;
      this.compression = compression;
      this.algorithm = algorithm;
    }

    /** {@return the scheduler of copies of these tables, largest first} */
    TaskScheduler<TableData> scheduler(List<TableData> tables) {
      List<TaskScheduler.Task<TableData>> tasks = new ArrayList<>();
      int order = 0;
      for (TableData t : tables) {
        tasks.add(
            new TaskScheduler.Task<>(
                order, List.of(), java.util.Set.of(), false, t.estimatedBytes(), order++, t));
      }
      return new TaskScheduler<>(tasks);
    }

    /** Copies the tables on the workers, one thread each. */
    void run(List<Connection> workers, List<TableData> tables) throws SQLException, IOException {
      run(workers, scheduler(tables));
    }

    void run(List<Connection> workers, TaskScheduler<TableData> scheduler)
        throws SQLException, IOException {
      try {
        Workers.run(workers, scheduler, this::copy, "avnology-copy");
      } catch (SQLException | IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private void copy(Connection c, TableData t) throws SQLException, IOException {
      if (stopped) {
        // taken just before the stop: a cancel sent before the COPY starts does not reach it
        throw new IllegalStateException("the backup failed; its copies stopped");
      }
      String path = name + "/" + t.file() + algorithm.suffix();
      try (OutputStream out =
          new BufferedOutputStream(
              compression.compress(context.artifact(path, compression.algorithm())),
              bufferFor(t))) {
        RowDigest digest = new RowDigest(out);
        long n = c.unwrap(PGConnection.class).getCopyAPI().copyOut(t.copyOutSql(), digest);
        CopyTerminator.write(out);
        rows.put(t.schema() + "." + t.table(), n);
        digests.put(t.schema() + "." + t.table(), digest.value());
        context.rowsDone(n);
      } catch (SQLException e) {
        if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
          throw new SQLException(
              "copying table "
                  + t.schema()
                  + "."
                  + t.table()
                  + " failed: another session is waiting for an exclusive lock on it (ALTER"
                  + " TABLE, TRUNCATE, DROP, VACUUM FULL, …), which it cannot get before this"
                  + " backup ends; rather than keep that session, and every query queued behind"
                  + " it, waiting until then, the backup stops (as pg_dump's workers do). Run it"
                  + " again once that change is done ("
                  + e.getMessage()
                  + ")",
              e.getSQLState(),
              e);
        }
        throw new SQLException(
            "copying table " + t.schema() + "." + t.table() + " failed: " + e.getMessage(),
            e.getSQLState(),
            e);
      }
      context.entriesDone(1);
    }
  }

  /**
   * The copies of the tables the catalog read found first, on the workers once they are open, on a
   * thread of their own while the leader reads on. Whoever started it ends with {@link #stop}, so
   * that nothing is written once the backup has failed.
   */
  private static final class EarlyCopy {
    private final List<TableData> tables;
    private final Copies copies;
    private final TaskScheduler<TableData> scheduler;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile List<Connection> connections = List.of();
    private final Thread thread;

    EarlyCopy(List<TableData> tables, WorkerOpening opening, Copies copies) {
      this.tables = tables;
      this.copies = copies;
      this.scheduler = copies.scheduler(tables);
      thread =
          new Thread(
              () -> {
                try {
                  List<Connection> workers = opening.await();
                  connections = workers;
                  copies.run(workers, scheduler);
                  done.complete(null);
                } catch (Throwable e) {
                  done.completeExceptionally(e);
                  if (e instanceof Error err) {
                    throw err;
                  }
                }
              },
              "avnology-copy-start");
      thread.setDaemon(true);
      thread.start();
    }

    /**
     * {@return the catalog's tables not copied here (an extension configuration table's data)}
     *
     * @throws IllegalStateException if a table copied here has no entry in the catalog
     */
    List<TableData> rest(List<TableData> all) {
      java.util.Set<String> files = new java.util.HashSet<>();
      for (TableData t : tables) {
        files.add(t.file());
      }
      List<TableData> rest = new ArrayList<>();
      for (TableData t : all) {
        if (!files.remove(t.file())) {
          rest.add(t);
        }
      }
      if (!files.isEmpty()) {
        throw new IllegalStateException("data copied for tables without a TOC entry: " + files);
      }
      return rest;
    }

    /** Throws the first failure of the copies if there has been one; does not wait. */
    void failure() throws SQLException, IOException {
      if (done.isCompletedExceptionally()) {
        await();
      }
    }

    /** Waits for every copy; the first failure is thrown. */
    void await() throws SQLException, IOException {
      join(done, "the tables were being copied");
    }

    /**
     * Stops handing out tables, cancels the copies under way and waits until every worker and the
     * thread that started them have ended; once they all ended, only waits for that thread.
     */
    void stop() {
      boolean stopping = !done.isDone();
      if (stopping) {
        copies.stopped = true;
        // not a CancellationException: CompletableFuture.get() would throw that one as it is
        scheduler.failed(null, new IllegalStateException("the backup failed; its copies stopped"));
      }
      // a copy must not go on writing after the backup has failed: no interrupt cuts this short
      boolean interrupted = false;
      while (stopping) {
        // again and again: a cancel that reaches a worker between two statements is lost
        cancelCopies();
        try {
          done.get(200, java.util.concurrent.TimeUnit.MILLISECONDS);
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        } catch (java.util.concurrent.TimeoutException e) {
          // still copying: cancel again
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
          break; // the stop, or the failure that made us stop: the caller reports its own
        }
      }
      while (true) {
        try {
          thread.join(); // it completes done just before it ends
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    private void cancelCopies() {
      for (Connection c : connections) {
        try {
          c.unwrap(PGConnection.class).cancelQuery();
        } catch (SQLException | RuntimeException ignored) {
          // the copy ends with its connection anyway
        }
      }
    }
  }

  /**
   * Worker connections opened one after the other on a thread of their own, each in a transaction
   * on the exported snapshot, while the leader goes on; whoever started it ends with {@link
   * #closeAll} (closing twice is harmless), so nothing stays open after a failure.
   */
  private static final class WorkerOpening {
    private final CompletableFuture<List<Connection>> done = new CompletableFuture<>();
    private final List<Connection> opened = new ArrayList<>();
    private boolean closed; // guarded by opened

    WorkerOpening(DataSource dataSource, int count, String snapshot, CatalogPrefetch prefetch) {
      Thread t =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < count; i++) {
                    Connection c = Connections.open(dataSource, "backup worker");
                    synchronized (opened) {
                      if (closed) {
                        // closeAll() gave up waiting (interrupted): this one is not kept either
                        Connections.closeQuietly(c);
                        done.completeExceptionally(new SQLException("closed"));
                        return;
                      }
                      opened.add(c);
                    }
                    Sessions.dump(c, snapshot);
                    if (i == 0) {
                      prefetch.run(c);
                    }
                    workerLockTimeout(c);
                  }
                  synchronized (opened) {
                    done.complete(List.copyOf(opened));
                  }
                } catch (SQLException | RuntimeException e) {
                  done.completeExceptionally(e);
                } catch (Error e) {
                  // whoever waits must not wait forever
                  done.completeExceptionally(e);
                  throw e;
                } finally {
                  prefetch.skip(); // unless it ran: the reader runs the queries itself
                }
              },
              "avnology-backup-connect");
      t.setDaemon(true);
      t.start();
    }

    /** {@return the connections, once all are open and on the snapshot} */
    List<Connection> await() throws SQLException, IOException {
      return join(done, "the worker connections were being opened");
    }

    /** Waits for the opening to end, then closes every connection it opened. */
    void closeAll() {
      try {
        done.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException e) {
        // the failure was reported by await(), or a failure before it matters more
      }
      synchronized (opened) {
        closed = true;
        opened.forEach(Connections::closeQuietly);
      }
    }
  }

  /**
   * A worker waits at most {@link #WORKER_LOCK_WAIT} for a table's lock. The leader holds ACCESS
   * SHARE on every table being backed up, so a worker's COPY waits only when another session's
   * request for an exclusive lock (ALTER TABLE, TRUNCATE, DROP, VACUUM FULL, …) is queued ahead of
   * it, behind the leader: that request cannot be granted before the backup ends, the leader waits
   * for the worker, and nothing would ever end the wait. pg_dump's workers take their locks with
   * NOWAIT for the same reason. Local to the snapshot's transaction, which lasts as long as the
   * backup.
   */
  private static void workerLockTimeout(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("SELECT pg_catalog.set_config('lock_timeout', '" + WORKER_LOCK_WAIT + "', true)");
    }
  }

  /**
   * {@return what the future completed with} A failure is thrown as it was thrown.
   *
   * @param what what the wait is for, for the message of an interruption
   */
  private static <T> T join(CompletableFuture<T> future, String what)
      throws SQLException, IOException {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while " + what, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof SQLException sql) {
        throw sql;
      }
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * @return the planner's row estimate for the tables, or -1 if it has none (never analyzed)
   */
  private static long estimatedRows(Connection c, List<TableData> tables) throws SQLException {
    try (java.sql.PreparedStatement ps =
        c.prepareStatement(
            "SELECT coalesce(sum(greatest("
                + "c.reltuples, 0)), 0)::bigint FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname || '.' || c.relname = ANY (?)")) {
      ps.setArray(
          1,
          c.createArrayOf(
              "text", tables.stream().map(t -> t.schema() + "." + t.table()).toArray()));
      try (java.sql.ResultSet rs = ps.executeQuery()) {
        rs.next();
        long n = rs.getLong(1);
        return n > 0 ? n : -1;
      }
    }
  }

  /**
   * Large objects are backed up unless the caller left them out, or a schema or table selection
   * narrows the backup (as with pg_dump -n/-t); either way the set records how many are missing.
   */
  private void leftOutLargeObjects(Connection leader, String database, BackupContext context)
      throws SQLException {
    if (!options.noLargeObjects() && !catalogOptions(false).selective()) {
      return;
    }
    long count =
        Long.parseLong(single(leader, "SELECT count(*) FROM pg_catalog.pg_largeobject_metadata"));
    if (count > 0) {
      log.warn(
          "database {} holds {} large objects, left out as {} asks",
          database,
          count,
          options.noLargeObjects() ? "noLargeObjects()" : "the schema or table selection");
      context.metadata("largeObjectsLeftOut", Long.toString(count));
    }
  }

  /**
   * The catalog's options; on a hot standby, unlogged tables' rows are never read: the standby has
   * none, and reading them fails ({@link #leftOutTableData} refuses that, unless asked).
   */
  private CatalogOptions catalogOptions(boolean standby) {
    return new CatalogOptions(
        options.schemas(),
        options.excludeSchemas(),
        options.tables(),
        options.excludeTables(),
        options.noOwner(),
        options.noPrivileges(),
        !options.noLargeObjects(),
        options.excludeTableData(),
        !options.noUnloggedTableData() && !standby);
  }

  /**
   * The rows left out: those the caller asked to leave out are recorded in the set's metadata
   * ({@code tableDataLeftOut}); unlogged tables on a hot standby, which has no rows of them, fail
   * the backup, naming them, unless the caller asked to leave unlogged tables' rows out (pg_dump
   * leaves them out there without a word).
   */
  private void leftOutTableData(
      Connection leader, Catalog catalog, String database, boolean standby, BackupContext context)
      throws SQLException {
    List<String> leftOut = catalog.dataLeftOut().stream().map(DataLeftOut::table).toList();
    List<String> unknown = new ArrayList<>();
    for (String name : options.excludeTableData()) {
      if (!leftOut.contains(name) && !exists(leader, name)) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      // a typo would back up the very rows the caller meant to keep out of the backup
      throw new BackupException(
          "excludeTableData (--exclude-table-data) names "
              + String.join(", ", unknown)
              + ", which database "
              + database
              + " has no table, sequence or materialized view of; nothing was published. Name"
              + " them as schema.table, as the catalog spells them (unquoted, case-sensitive)");
    }
    if (standby && !options.noUnloggedTableData()) {
      List<String> unlogged =
          catalog.dataLeftOut().stream()
              .filter(DataLeftOut::unlogged)
              .map(DataLeftOut::table)
              .filter(t -> !options.excludeTableData().contains(t))
              .sorted()
              .toList();
      if (!unlogged.isEmpty()) {
        throw new BackupException(
            "database "
                + database
                + " is read from a hot standby, which has no rows of its unlogged tables and no"
                + " values of its unlogged sequences (they live on the primary only): "
                + String.join(", ", unlogged)
                + "; nothing was published. Back up the primary, or leave their rows out with"
                + " noUnloggedTableData() (--no-unlogged-table-data)");
      }
    }
    if (!leftOut.isEmpty()) {
      List<String> names = leftOut.stream().sorted().toList();
      log.info("the rows of {} are left out, as asked", names);
      context.metadata("tableDataLeftOut", String.join(",", names));
    }
  }

  /** Whether {@code schema.table} names a relation of the database, in the backup's snapshot. */
  private static boolean exists(Connection leader, String qualified) throws SQLException {
    try (java.sql.PreparedStatement ps =
        leader.prepareStatement(
            "SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname || '.' || c.relname = ?")) {
      ps.setString(1, qualified);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /**
   * A copy buffer as large as the table is estimated to be, between 16 KiB and {@link
   * #COPY_BUFFER}: a schema of many small tables does not allocate a quarter megabyte for each.
   */
  static int bufferFor(TableData t) {
    return (int) Math.max(16 * 1024, Math.min(COPY_BUFFER, t.estimatedBytes()));
  }

  private void writeToc(
      BackupContext context,
      Catalog catalog,
      ServerInfo server,
      CompressionAlgorithm algorithm,
      int level)
      throws IOException {
    ArchiveHeader header =
        ArchiveHeader.forDirectory(
            version(algorithm),
            algorithm,
            algorithm == CompressionAlgorithm.GZIP ? level : 0,
            LocalDateTime.now(ZoneId.systemDefault()),
            server.database(),
            server.version(),
            "avnology-backup");
    try (OutputStream out =
        new BufferedOutputStream(
            context.artifact(name + "/toc.dat", Compression.Algorithm.NONE), COPY_BUFFER)) {
      TocWriter.write(new TocFile(header, catalog.entries()), out);
    }
  }

  static ArchiveVersion version(CompressionAlgorithm algorithm) {
    return algorithm == CompressionAlgorithm.NONE || algorithm == CompressionAlgorithm.GZIP
        ? ArchiveVersion.V1_14
        : ArchiveVersion.V1_15;
  }

  static CompressionAlgorithm algorithm(Compression compression) {
    return switch (compression.algorithm()) {
      case GZIP -> CompressionAlgorithm.GZIP;
      case ZSTD -> CompressionAlgorithm.ZSTD;
      default -> CompressionAlgorithm.NONE;
    };
  }

  private static void lockTables(Connection c, List<TableData> tables) throws SQLException {
    // one statement per thousand tables, not a round trip per table
    try (Statement s = c.createStatement()) {
      for (int from = 0; from < tables.size(); from += 1000) {
        StringBuilder sql = new StringBuilder("LOCK TABLE ");
        for (int i = from; i < Math.min(tables.size(), from + 1000); i++) {
          TableData t = tables.get(i);
          sql.append(i == from ? "" : ", ")
              .append(Identifiers.quote(t.schema()))
              .append('.')
              .append(Identifiers.quote(t.table()));
        }
        s.execute(sql.append(" IN ACCESS SHARE MODE").toString());
      }
    }
  }

  static String single(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
