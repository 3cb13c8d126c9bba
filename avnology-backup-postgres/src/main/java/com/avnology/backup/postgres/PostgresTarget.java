package com.avnology.backup.postgres;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.postgres.internal.engine.ArchiveRestore;
import com.avnology.backup.postgres.internal.engine.ContextArchiveSource;
import com.avnology.backup.postgres.internal.engine.SnapshotBackup;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A PostgreSQL database, backed up in pure Java over JDBC as a pg_dump directory-format archive
 * ({@code postgres/<name>/toc.dat} and one data file per table) that {@code pg_restore} reads, and
 * restored from one.
 *
 * <p>Backup: one {@code REPEATABLE READ, READ ONLY} snapshot is exported and shared by {@link
 * Builder#jobs(int) jobs} worker connections; the catalog is read inside it and every table is
 * copied with {@code COPY … TO STDOUT}, largest first. Gzip or no compression gives archive
 * version 1.14 (pg_restore 12+); zstd gives 1.15 (pg_restore 16+).
 *
 * <p>Restore: refuses a database that holds user objects unless {@link Builder#clean()} is set.
 * Pre-data runs in one transaction; data and post-data run on {@code jobs} connections, honouring
 * dependencies as {@code pg_restore -j} does. If anything fails, everything the restore created is
 * dropped again, so the database is left as it was found (empty, or cleaned), and the error names
 * the archive entry that failed.
 *
 * <p>The caller's {@link DataSource} is never closed. Immutable and thread-safe.
 */
public final class PostgresTarget implements BackupTarget {
  /** This target's kind. */
  public static final String KIND = "postgres";

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  private final DataSource dataSource;
  private final String name;
  private final int jobs;
  private final PostgresOptions options;

  private PostgresTarget(Builder b) {
    this.dataSource = b.dataSource;
    this.name = b.name;
    this.jobs = b.jobs;
    this.options = new PostgresOptions(
        List.copyOf(b.schemas), List.copyOf(b.excludeSchemas), List.copyOf(b.tables),
        List.copyOf(b.excludeTables), b.noOwner, b.noPrivileges, b.clean, b.noLargeObjects);
  }

  /**
   * @param dataSource connections to the database; never closed by this library
   * @return a builder
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(requireNonNull(dataSource, "null dataSource"));
  }

  /**
   * @param jdbcUrl such as {@code jdbc:postgresql://host:5432/db?user=u}; a password may be in it
   *     or given with {@link Builder#password(String)}
   * @return a builder
   * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL
   */
  public static Builder builder(String jdbcUrl) {
    return new Builder(JdbcUrls.dataSource(requireNonNull(jdbcUrl, "null jdbcUrl")));
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

  /** @return worker connections used by backup and restore */
  public int jobs() {
    return jobs;
  }

  /** @return the selection and ownership options */
  public PostgresOptions options() {
    return options;
  }

  @Override
  public void backup(BackupContext context) {
    new SnapshotBackup(dataSource, name, jobs, options).run(context);
  }

  @Override
  public void restore(RestoreContext context) {
    int entries = new ArchiveRestore(dataSource, jobs, options)
        .restore(new ContextArchiveSource(context, name + "/"));
    context.entriesDone(entries);
  }

  /**
   * @return {@code true} unless {@code clean()} was chosen: into an empty database, a damaged
   *     artifact met mid-restore is undone like any other failure, so the separate verification
   *     pass is skipped; with {@code clean()}, which drops existing objects, the set is verified
   *     before anything is dropped
   */
  @Override
  public boolean verifiesWhileRestoring() {
    return !options.clean();
  }

  @Override
  public String toString() {
    return "PostgresTarget[" + name + ", jobs=" + jobs + ", " + options + "]";
  }

  /** Collects a Postgres target's settings. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private String name = "main";
    private int jobs = 2;
    private final List<String> schemas = new ArrayList<>();
    private final List<String> excludeSchemas = new ArrayList<>();
    private final List<String> tables = new ArrayList<>();
    private final List<String> excludeTables = new ArrayList<>();
    private boolean noOwner;
    private boolean noPrivileges;
    private boolean clean;
    private boolean noLargeObjects;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * @param name the database's name in backup sets; {@code main} by default
     * @return this builder
     * @throws IllegalArgumentException if not 1-63 of a-z, 0-9, '-' and '_'
     */
    public Builder name(String name) {
      requireNonNull(name, "null name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("postgres target name must be 1 to 63 characters of"
            + " a-z, 0-9, '-' and '_', starting with a letter or digit: '" + name + "'");
      }
      this.name = name;
      return this;
    }

    /**
     * @param jobs worker connections for copying data and building indexes, 1 to 64; 2 by default
     * @return this builder
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
     * @param names schemas to include (all non-system schemas when none is given)
     * @return this builder
     */
    public Builder schemas(String... names) {
      schemas.addAll(List.of(names));
      return this;
    }

    /**
     * @param names schemas to leave out
     * @return this builder
     */
    public Builder excludeSchemas(String... names) {
      excludeSchemas.addAll(List.of(names));
      return this;
    }

    /**
     * @param names tables to include, as {@code schema.table}
     * @return this builder
     */
    public Builder tables(String... names) {
      tables.addAll(List.of(names));
      return this;
    }

    /**
     * @param names tables to leave out, as {@code schema.table}
     * @return this builder
     */
    public Builder excludeTables(String... names) {
      excludeTables.addAll(List.of(names));
      return this;
    }

    /** @return this builder, neither recording nor restoring object owners */
    public Builder noOwner() {
      this.noOwner = true;
      return this;
    }

    /** @return this builder, neither recording nor restoring grants */
    public Builder noPrivileges() {
      this.noPrivileges = true;
      return this;
    }

    /**
     * Backs up without the database's large objects, as {@code pg_dump --no-large-objects}; the
     * set's metadata records how many were left out ({@code largeObjectsLeftOut}). Large objects
     * are also left out when {@link #schemas} or {@link #tables} narrow the backup, as with
     * {@code pg_dump -n/-t}.
     *
     * @return this builder, leaving large objects out of a backup
     */
    public Builder noLargeObjects() {
      this.noLargeObjects = true;
      return this;
    }

    /**
     * @return this builder; a restore first drops whatever of the archive's objects exist, and
     *     accepts a non-empty database
     */
    public Builder clean() {
      this.clean = true;
      return this;
    }

    /**
     * @param password the password for a target built from a JDBC URL; never logged or printed
     * @return this builder
     * @throws IllegalStateException if the target was built from a DataSource
     */
    public Builder password(String password) {
      JdbcUrls.password(dataSource, requireNonNull(password, "null password"));
      return this;
    }

    /** @return the target */
    public PostgresTarget build() {
      return new PostgresTarget(this);
    }
  }
}
