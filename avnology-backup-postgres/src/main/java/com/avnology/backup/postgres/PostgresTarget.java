package com.avnology.backup.postgres;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupNames;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.internal.archive.TocReader;
import com.avnology.backup.postgres.internal.archive.TocWriter;
import com.avnology.backup.postgres.internal.engine.ArchiveRestore;
import com.avnology.backup.postgres.internal.engine.ContextArchiveSource;
import com.avnology.backup.postgres.internal.engine.DatabaseRestore;
import com.avnology.backup.postgres.internal.engine.RestoreChecks;
import com.avnology.backup.postgres.internal.engine.RestoreDescriber;
import com.avnology.backup.postgres.internal.engine.RestoreProgress;
import com.avnology.backup.postgres.internal.engine.SnapshotBackup;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * A PostgreSQL database, backed up in pure Java over JDBC as a pg_dump directory-format archive
 * ({@code postgres/<name>/toc.dat} and one data file per table) that {@code pg_restore} reads, and
 * restored from one.
 *
 * <p>Backup: one {@code REPEATABLE READ, READ ONLY} snapshot is exported and shared by {@link
 * Builder#jobs(int) jobs} worker connections; the catalog is read inside it and every table is
 * copied with {@code COPY … TO STDOUT}, largest first. Gzip or no compression gives archive version
 * 1.14 (pg_restore 12+); zstd gives 1.15 (pg_restore 16+).
 *
 * <p>Restore: whatever fails and whatever stops the process, the database keeps what it held before
 * ({@link RestoreMode}). Into an empty database ({@link RestoreMode#IN_PLACE}, the default),
 * pre-data runs in one transaction, data and post-data on {@code jobs} connections honouring
 * dependencies as {@code pg_restore -j} does, and a failure or a shutdown drops everything again; a
 * killed restore leaves a marker that the next restore and {@link #unfinishedRestores()} report.
 * {@link Builder#clean()} replaces the archive's objects in one transaction ({@link
 * RestoreMode#SINGLE_TRANSACTION}); {@link RestoreMode#SWAP} restores into a new database in
 * parallel and swaps it in. The error names the archive entry that failed.
 *
 * <p>The caller's {@link DataSource} is never closed. Immutable and thread-safe.
 */
public final class PostgresTarget implements BackupTarget {
  /** This target's kind. */
  public static final String KIND = "postgres";

  private final DataSource dataSource;
  private final DataSource restoreDataSource;
  private final String name;
  private final int jobs;
  private final PostgresOptions options;

  private PostgresTarget(Builder b) {
    // from a JDBC URL, each target gets a data source of its own: a later password(...) on the
    // builder must not change the targets it already built
    DataSource ds = b.jdbcUrl == null ? b.dataSource : urlDataSource(b, false);
    this.dataSource = com.avnology.backup.postgres.internal.engine.PoolerSafe.wrap(ds);
    // a restore's batches of statements go faster in simple query mode; a caller's own data
    // source is used as it is
    this.restoreDataSource =
        b.jdbcUrl == null
            ? dataSource
            : com.avnology.backup.postgres.internal.engine.PoolerSafe.wrap(urlDataSource(b, true));
    this.name = b.name;
    this.jobs = b.jobs;
    this.options =
        PostgresOptions.builder()
            .schemas(b.schemas)
            .excludeSchemas(b.excludeSchemas)
            .tables(b.tables)
            .excludeTables(b.excludeTables)
            .noOwner(b.noOwner)
            .noPrivileges(b.noPrivileges)
            .clean(b.clean)
            .noLargeObjects(b.noLargeObjects)
            .excludeTableData(b.excludeTableData)
            .noUnloggedTableData(b.noUnloggedTableData)
            .restoreMode(b.restoreMode())
            .build();
  }

  /**
   * {@return a builder}
   *
   * @param dataSource connections to the database; never closed by this library
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(requireNonNull(dataSource, "null dataSource"), null);
  }

  /**
   * {@return a builder}
   *
   * @param jdbcUrl such as {@code jdbc:postgresql://host:5432/db?user=u}; a password may be in it
   *     or given with {@link Builder#password(String)}
   * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL
   */
  public static Builder builder(String jdbcUrl) {
    JdbcUrls.dataSource(requireNonNull(jdbcUrl, "null jdbcUrl")); // refuses a bad URL now
    return new Builder(null, jdbcUrl);
  }

  /**
   * Loads and initializes the classes of this library's PostgreSQL engine that a backup or restore
   * uses first (the snapshot backup, the archive restore, the pg_dump TOC reader and writer), so
   * that a short-lived process, such as a command-line tool calling this from a background thread
   * while it parses its arguments, does not pay for them on its first command. Also what the
   * PostgreSQL driver's first connection initializes, short of connecting: the JDBC driver manager,
   * the driver's version table, the JVM's default time zone and the calendar data of the default
   * locale (together a twentieth of a second of the first connection on a cold JVM). Has no effects
   * beyond that initialization; calling it is never needed, and calling it again does nothing more.
   * Thread-safe.
   *
   * @throws LinkageError if a class cannot be loaded or initialized; its first real use would fail
   *     the same way
   */
  public static void preload() {
    for (Class<?> c :
        List.of(SnapshotBackup.class, ArchiveRestore.class, TocReader.class, TocWriter.class)) {
      try {
        Class.forName(c.getName(), true, c.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new NoClassDefFoundError(c.getName()); // cannot happen: c is loaded
      }
    }
    java.sql.DriverManager.drivers().close();
    org.postgresql.core.ServerVersion.from("15.0");
    java.util.TimeZone.getDefault();
    new java.util.GregorianCalendar().getTimeInMillis();
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String name() {
    return name;
  }

  DataSource dataSource() {
    return dataSource;
  }

  /**
   * A data source of our own, from the builder's URL: without named server-side prepared statements
   * from the start, as {@link com.avnology.backup.postgres.internal.engine.PoolerSafe} would make
   * them, so that its connections need no wrapper putting the setting back for a pool (every JDBC
   * call through one is a reflective call).
   */
  private static DataSource urlDataSource(Builder b, boolean restore) {
    org.postgresql.ds.PGSimpleDataSource ds =
        restore
            ? JdbcUrls.restoreDataSource(b.jdbcUrl, b.password)
            : JdbcUrls.dataSource(b.jdbcUrl, b.password);
    ds.setPrepareThreshold(0);
    return ds;
  }

  /** {@return the connections a restore into this target uses} */
  DataSource restoreDataSource() {
    return restoreDataSource;
  }

  /** {@return worker connections used by backup and restore} */
  public int jobs() {
    return jobs;
  }

  /** {@return the selection and ownership options} */
  public PostgresOptions options() {
    return options;
  }

  @Override
  public void backup(BackupContext context) {
    new SnapshotBackup(dataSource, name, jobs, options).run(context);
  }

  @Override
  public void restore(RestoreContext context) {
    long rows =
        context.manifest().metadata().entrySet().stream()
            .filter(m -> m.getKey().startsWith("rows."))
            .mapToLong(m -> m.getValue().matches("[0-9]{1,18}") ? Long.parseLong(m.getValue()) : 0)
            .sum();
    DatabaseRestore.run(
        restoreDataSource,
        jobs,
        options,
        new ContextArchiveSource(context, name + "/"),
        new RestoreProgress() {
          @Override
          public void expect(long entries) {
            context.expect(entries, rows);
          }

          @Override
          public void entryDone() {
            context.entriesDone(1);
          }

          @Override
          public void rowsDone(long n) {
            context.rowsDone(n);
          }
        });
  }

  @Override
  public java.util.Optional<String> refusal(RestoreContext context) {
    return RestoreChecks.refusal(dataSource, options);
  }

  /** Every table holds the rows the backup copied, and the database answers. */
  @Override
  public java.util.List<com.avnology.backup.HealthCheck> checkRestored(RestoreContext context) {
    return RestoreChecks.check(dataSource, KIND + "/" + name, context.manifest().metadata());
  }

  @Override
  public String describeRestore(RestoreContext context) {
    return RestoreDescriber.describe(
        dataSource, jobs, options, new ContextArchiveSource(context, name + "/"));
  }

  /**
   * @return {@code true}: in every {@link RestoreMode} a damaged artifact met mid-restore is undone
   *     (or rolled back) like any other failure, before anything the database held is lost, so the
   *     separate verification pass is skipped
   */
  @Override
  public boolean verifiesWhileRestoring() {
    return true;
  }

  /**
   * Looks for restores into this target's database that never finished: a restore killed in {@link
   * RestoreMode#IN_PLACE} leaves a marker schema in the database, one killed in {@link
   * RestoreMode#SWAP} leaves a new database under a marked name.
   *
   * @return one line per unfinished restore found, such as {@code an unfinished restore of set X
   *     was found in database Y (started …)}; empty when there is none
   * @throws StorageException if the database cannot be reached
   */
  public List<String> unfinishedRestores() {
    return DatabaseRestore.unfinished(dataSource);
  }

  @Override
  public String toString() {
    return "PostgresTarget[" + name + ", jobs=" + jobs + ", " + options + "]";
  }

  /** Collects a Postgres target's settings. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private final String jdbcUrl;
    private String password;
    private String name = "main";
    private int jobs = 2;
    private final List<String> schemas = new ArrayList<>();
    private final List<String> excludeSchemas = new ArrayList<>();
    private final List<String> tables = new ArrayList<>();
    private final List<String> excludeTables = new ArrayList<>();
    private boolean noOwner;
    private boolean noPrivileges;
    private boolean clean;
    private RestoreMode restoreMode;
    private boolean noLargeObjects;
    private final List<String> excludeTableData = new ArrayList<>();
    private boolean noUnloggedTableData;

    private Builder(DataSource dataSource, String jdbcUrl) {
      this.dataSource = dataSource;
      this.jdbcUrl = jdbcUrl;
    }

    /**
     * {@return this builder}
     *
     * @param name the database's name in backup sets; {@code main} by default
     * @throws IllegalArgumentException if not 1-63 of a-z, 0-9, '-' and '_'
     */
    public Builder name(String name) {
      BackupNames.checkTargetName("postgres target name", requireNonNull(name, "null name"));
      this.name = name;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param jobs worker connections for copying data and building indexes, 1 to 64; 2 by default
     * @throws IllegalArgumentException if outside 1..64
     */
    public Builder jobs(int jobs) {
      if (jobs < 1 || jobs > 64) {
        throw new IllegalArgumentException("jobs must be between 1 and 64: " + jobs);
      }
      this.jobs = jobs;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param names schemas to include (all non-system schemas when none is given)
     */
    public Builder schemas(String... names) {
      schemas.addAll(List.of(names));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param names schemas to leave out
     */
    public Builder excludeSchemas(String... names) {
      excludeSchemas.addAll(List.of(names));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param names tables to include, as {@code schema.table}
     */
    public Builder tables(String... names) {
      tables.addAll(List.of(names));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param names tables to leave out, as {@code schema.table}
     */
    public Builder excludeTables(String... names) {
      excludeTables.addAll(List.of(names));
      return this;
    }

    /** {@return this builder, neither recording nor restoring object owners} */
    public Builder noOwner() {
      this.noOwner = true;
      return this;
    }

    /** {@return this builder, neither recording nor restoring grants} */
    public Builder noPrivileges() {
      this.noPrivileges = true;
      return this;
    }

    /**
     * Backs up without the database's large objects, as {@code pg_dump --no-large-objects}; the
     * set's metadata records how many were left out ({@code largeObjectsLeftOut}). Large objects
     * are also left out when {@link #schemas} or {@link #tables} narrow the backup, as with {@code
     * pg_dump -n/-t}.
     *
     * @return this builder, leaving large objects out of a backup
     */
    public Builder noLargeObjects() {
      this.noLargeObjects = true;
      return this;
    }

    /**
     * Backs up these tables' definitions (and indexes, constraints, grants, …) without their rows,
     * as {@code pg_dump --exclude-table-data}: a restore creates them empty. The set's metadata
     * lists them ({@code tableDataLeftOut}).
     *
     * @param names tables as {@code schema.table}, exact catalog names
     * @return this builder
     */
    public Builder excludeTableData(String... names) {
      excludeTableData.addAll(List.of(names));
      return this;
    }

    /**
     * Backs up unlogged tables without their rows, as {@code pg_dump --no-unlogged-table-data}: a
     * restore creates them empty. The set's metadata lists them ({@code tableDataLeftOut}). On a
     * hot standby, which has no rows of unlogged tables (they live on the primary only), a backup
     * of a database with unlogged tables fails without this, naming them; pg_dump leaves their rows
     * out there silently.
     *
     * @return this builder
     */
    public Builder noUnloggedTableData() {
      this.noUnloggedTableData = true;
      return this;
    }

    /**
     * {@return this builder; a restore replaces whatever of the archive's objects exist, and
     * accepts a non-empty database; in one transaction ({@link RestoreMode#SINGLE_TRANSACTION})
     * unless {@link #restoreMode(RestoreMode)} says {@link RestoreMode#SWAP}}
     */
    public Builder clean() {
      this.clean = true;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param mode how a restore protects what the database held before it; by default {@link
     *     RestoreMode#IN_PLACE}, or {@link RestoreMode#SINGLE_TRANSACTION} with {@link #clean()}
     */
    public Builder restoreMode(RestoreMode mode) {
      this.restoreMode = requireNonNull(mode, "null mode");
      return this;
    }

    private RestoreMode restoreMode() {
      if (restoreMode == null) {
        return clean ? RestoreMode.SINGLE_TRANSACTION : RestoreMode.IN_PLACE;
      }
      return restoreMode;
    }

    /**
     * {@return this builder}
     *
     * @param password the password for a target built from a JDBC URL; never logged or printed
     * @throws IllegalStateException if the target was built from a DataSource
     */
    public Builder password(String password) {
      requireNonNull(password, "null password");
      if (jdbcUrl == null) {
        throw new IllegalStateException(
            "password(...) applies to targets built from a JDBC URL; configure the DataSource");
      }
      this.password = password;
      return this;
    }

    /**
     * {@return the target}
     *
     * @throws IllegalStateException if {@link #clean()} was combined with {@link
     *     RestoreMode#IN_PLACE}, which could lose the old objects
     */
    public PostgresTarget build() {
      if (clean && restoreMode == RestoreMode.IN_PLACE) {
        throw new IllegalStateException(
            "clean() with restoreMode(IN_PLACE) would drop the old"
                + " objects before the new ones are loaded, in transactions of their own: leave the"
                + " mode out (clean() restores in a single transaction) or choose RestoreMode.SWAP");
      }
      return new PostgresTarget(this);
    }
  }
}
