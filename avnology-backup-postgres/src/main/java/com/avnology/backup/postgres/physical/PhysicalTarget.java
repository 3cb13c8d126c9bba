package com.avnology.backup.postgres.physical;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupNames;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.internal.physical.BackupSession;
import com.avnology.backup.postgres.internal.physical.DeltaRestore;
import com.avnology.backup.postgres.internal.physical.ParallelCopy;
import com.avnology.backup.postgres.internal.physical.PhysicalBackup;
import com.avnology.backup.postgres.internal.physical.PhysicalParents;
import com.avnology.backup.postgres.internal.physical.PhysicalRestore;
import com.avnology.backup.postgres.internal.physical.RecoveryConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL cluster backed up physically: a non-exclusive {@code pg_backup_start} / {@code
 * pg_backup_stop} over JDBC, the data directory's files copied into {@link Builder#jobs(int) parts}
 * written at once ({@code physical/<name>.part-<k>.tar[.zst]}, spread by size), with the {@code
 * backup_label} and {@code tablespace_map} the stop returned and the WAL from the start to the stop
 * location, so every set restores on its own (as {@code pg_basebackup -X fetch}). Tablespaces
 * ({@code pg_tblspc} links) are followed. Beside the parts, {@code physical/<name>.files.tsv[.zst]}
 * lists every directory and file: type, mode, size, modification time, SHA-256, the set and part
 * holding it, and path. The manifest records start and stop LSN, timeline, the segments, the system
 * identifier and, for an {@link Builder#incremental() incremental} backup, its {@code parent} set:
 * unchanged files are referred to the set holding them.
 *
 * <p>The process must read the data directory (a sidecar mounting the volume read-only is enough)
 * and connect as a role allowed to run {@code pg_backup_start}. The needed WAL is read from {@code
 * pg_wal} right after the stop; if a checkpoint removed it first, the backup fails and says so
 * (raise {@code wal_keep_size}). Memory holds one entry per file and a buffer per part, whatever
 * the cluster's size.
 *
 * <p>Restore lays the files out (an incremental's from each set of its chain, which the restore
 * plan verifies first) into an empty or absent directory (mode 0700), or with {@link
 * Builder#delta(boolean)} into an existing one, writing only what differs; then, with a {@link
 * Builder#restoreCommand(String)}, writes {@code recovery.signal} and the recovery settings into
 * {@code postgresql.auto.conf}; starting PostgreSQL on the directory then replays archived WAL to
 * the {@link RecoveryTarget} and promotes.
 *
 * <p>Immutable and thread-safe.
 */
public final class PhysicalTarget implements BackupTarget {
  /** This target's kind. */
  public static final String KIND = PhysicalParents.KIND;

  private static final String FORMAT = PhysicalParents.FORMAT;

  /** Parts written, or read, at once unless told otherwise: the cores, at most 4. */
  public static final int DEFAULT_JOBS =
      Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));

  private static final Logger log = LoggerFactory.getLogger(PhysicalTarget.class);

  private final String name;
  private final DataSource dataSource;
  private final Path dataDirectory;
  private final RecoveryTarget recovery;
  private final String restoreCommand;
  private final int jobs;
  private final boolean incremental;
  private final boolean delta;
  private final Map<Path, Path> tablespaces;

  private PhysicalTarget(Builder b) {
    this.jobs = b.jobs;
    this.incremental = b.incremental;
    this.delta = b.delta;
    this.tablespaces = Map.copyOf(b.tablespaces);
    this.name = b.name;
    this.dataSource = b.dataSource;
    this.dataDirectory = b.dataDirectory;
    this.recovery = b.recovery;
    this.restoreCommand = b.restoreCommand;
  }

  /**
   * {@return a builder for backing up}
   *
   * @param dataSource connects to the server to back up; never closed by this target
   * @param dataDirectory that server's data directory, readable by this process
   */
  public static Builder builder(DataSource dataSource, Path dataDirectory) {
    return new Builder(requireNonNull(dataSource, "null dataSource"), dataDirectory);
  }

  /**
   * {@return a builder for restoring}
   *
   * @param dataDirectory the directory to restore into: empty or absent
   */
  public static Builder builder(Path dataDirectory) {
    return new Builder(null, dataDirectory);
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public String name() {
    return name;
  }

  /** {@return the data directory} */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if built by {@link #builder(Path)}, without a data source
   * @throws BackupException if the directory is not the server's data directory, or the WAL the
   *     backup needs is gone from pg_wal
   */
  @Override
  public void backup(BackupContext context) {
    if (dataSource == null) {
      throw new IllegalStateException(
          "physical target "
              + name
              + " has no data source: build it"
              + " with PhysicalTarget.builder(dataSource, dataDirectory) to back up");
    }
    context.option("format", FORMAT);
    context.option("wal", "included");
    context.option("jobs", Integer.toString(jobs));
    try (BackupSession session = BackupSession.open(dataSource)) {
      session.checkDataDirectory(dataDirectory);
      ParallelCopy.Parent parent =
          incremental ? PhysicalParents.choose(context, name, session.systemIdentifier()) : null;
      try (ParallelCopy copy = new ParallelCopy(context, name, jobs, parent, delta)) {
        PhysicalBackup.copy(session, dataDirectory, copy, context);
        context.metadata("backup_type", parent == null ? "full" : "incremental");
        if (parent != null) {
          context.metadata("parent", parent.setId());
        }
      }
    } catch (IOException e) {
      throw new StorageException("cannot back up data directory " + dataDirectory + ": " + e, e);
    } catch (SQLException e) {
      throw new BackupException(
          "physical backup of " + dataDirectory + " failed on the server: " + e.getMessage(), e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @throws BackupException if the directory (or a tablespace's location) is not empty, or, with
   *     {@link Builder#delta(boolean)}, a server is running on it
   */
  @Override
  public void restore(RestoreContext context) {
    try {
      if (!FORMAT.equals(context.manifest().options().get("format"))) {
        if (delta) {
          throw new BackupException(
              "set "
                  + context.setId()
                  + " was written by an older version"
                  + " as one tar, which a delta restore cannot compare: restore it into an empty"
                  + " directory without delta");
        }
        PhysicalRestore.checkEmpty(dataDirectory, "");
        PhysicalRestore.extractTar(context, name, dataDirectory);
      } else {
        PhysicalRestore.restoreParts(
            context,
            name,
            dataDirectory,
            jobs,
            delta,
            PhysicalRestore.tablespaceLocations(context.manifest(), tablespaces));
      }
      Files.setPosixFilePermissions(dataDirectory, PosixFilePermissions.fromString("rwx------"));
      Map<String, String> settings = new LinkedHashMap<>();
      if (restoreCommand != null) {
        settings.put("restore_command", restoreCommand);
        settings.putAll(recovery.settings());
        RecoveryConfig.write(dataDirectory, context.setId(), settings);
      }
      log.info(
          "restored set {} into {}; recovery: {}",
          context.setId(),
          dataDirectory,
          restoreCommand == null ? "WAL in the set only" : recovery);
    } catch (IOException e) {
      throw new StorageException(
          "restore into "
              + dataDirectory
              + " failed: "
              + e
              + "; the directory holds a partial restore: empty it before trying again",
          e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @return without {@link Builder#delta(boolean)}, {@code true}: the files are laid out as they
   *     are read, and a failed check (or any other failure) empties the directory again; with delta
   *     {@code false}: the set is checked before anything in the directory changes
   */
  @Override
  public boolean verifiesWhileRestoring() {
    return !delta;
  }

  /**
   * {@inheritDoc}
   *
   * @return why not: the directory (or a tablespace's location) is not empty, without delta; a
   *     server runs on it, with delta
   */
  @Override
  public Optional<String> refusal(RestoreContext context) {
    if (delta) {
      return DeltaRestore.running(dataDirectory);
    }
    List<Path> locations =
        new ArrayList<>(
            PhysicalRestore.tablespaceLocations(context.manifest(), tablespaces).values());
    locations.add(0, dataDirectory);
    for (Path p : locations) {
      try (var list = Files.list(p)) {
        if (list.findAny().isPresent()) {
          return Optional.of(
              p
                  + " is not empty: give an empty or new directory (or restore"
                  + " with delta into an existing data directory"
                  + (p.equals(dataDirectory) ? "" : ", or remap the tablespace")
                  + ")");
        }
      } catch (IOException e) {
        // absent: created
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return "PhysicalTarget[" + name + " = " + dataDirectory + "]";
  }

  /** Collects a physical target's settings. Not thread-safe. */
  public static final class Builder {
    private final DataSource dataSource;
    private final Path dataDirectory;
    private String name = "cluster";
    private RecoveryTarget recovery = RecoveryTarget.end();
    private boolean recoverySet;
    private String restoreCommand;
    private int jobs = DEFAULT_JOBS;
    private boolean incremental;
    private boolean delta;
    private final Map<Path, Path> tablespaces = new LinkedHashMap<>();

    private Builder(DataSource dataSource, Path dataDirectory) {
      this.dataSource = dataSource;
      this.dataDirectory =
          requireNonNull(dataDirectory, "null dataDirectory").toAbsolutePath().normalize();
    }

    /**
     * {@return this builder}
     *
     * @param name the cluster's name in backup sets; {@code cluster} by default
     * @throws IllegalArgumentException if not 1-63 of a-z, 0-9, '-' and '_'
     */
    public Builder name(String name) {
      this.name =
          BackupNames.checkTargetName("physical target name", requireNonNull(name, "null name"));
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param target where recovery stops; the end of the archived WAL by default
     */
    public Builder recovery(RecoveryTarget target) {
      this.recovery = requireNonNull(target, "null target");
      this.recoverySet = true;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param command the {@code restore_command} the restored server runs to fetch archived WAL,
     *     such as {@code avnology-backup wal-get --from file:/backups %f %p}; without it the
     *     restored server replays only the WAL in the set
     * @throws IllegalArgumentException if it lacks {@code %f} or {@code %p}
     */
    public Builder restoreCommand(String command) {
      requireNonNull(command, "null command");
      if (!command.contains("%f") || !command.contains("%p")) {
        throw new IllegalArgumentException(
            "restore command must contain %f and %p (PostgreSQL"
                + " replaces them with the WAL file's name and destination): "
                + command);
      }
      this.restoreCommand = command;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param jobs files are copied into this many parts written at once, spread by size (and
     *     restored that many parts at once); {@link #DEFAULT_JOBS} by default
     * @throws IllegalArgumentException if not 1 to 64
     */
    public Builder jobs(int jobs) {
      if (jobs < 1 || jobs > 64) {
        throw new IllegalArgumentException("jobs must be 1 to 64: " + jobs);
      }
      this.jobs = jobs;
      return this;
    }

    /**
     * Backs up incrementally: the newest physical backup of this target and cluster in the sink is
     * the parent; files whose size and modification time are unchanged since it are referred to the
     * set holding them, the others copied. With no usable parent, the backup is a full one and the
     * log (and the manifest's {@code incremental_refused}) says why.
     *
     * @return this builder
     */
    public Builder incremental() {
      this.incremental = true;
      return this;
    }

    /**
     * Backing up incrementally: files of unchanged size are read and compared by SHA-256 too, which
     * catches changes that kept the size and modification time. Restoring: into an existing data
     * directory, only files whose size or SHA-256 differ are written, and what the backup does not
     * hold is removed; refused while a server runs on the directory. The restore's entries ({@link
     * com.avnology.backup.TargetResult#entries()}) are then the files written and removed.
     *
     * @param delta whether to compare content
     * @return this builder
     */
    public Builder delta(boolean delta) {
      this.delta = delta;
      return this;
    }

    /**
     * Restores a tablespace elsewhere than where the backed-up cluster had it (as pg_basebackup's
     * {@code --tablespace-mapping}); the link in {@code pg_tblspc} points to the new location.
     *
     * @param original the tablespace's location in the backed-up cluster
     * @param location where to restore it: empty or absent
     * @return this builder
     */
    public Builder tablespace(Path original, Path location) {
      tablespaces.put(
          requireNonNull(original, "null original").toAbsolutePath().normalize(),
          requireNonNull(location, "null location").toAbsolutePath().normalize());
      return this;
    }

    /**
     * {@return the target}
     *
     * @throws IllegalStateException if a recovery target is given without a restore command
     */
    public PhysicalTarget build() {
      if (recoverySet && restoreCommand == null) {
        throw new IllegalStateException(
            "recovery("
                + recovery
                + ") needs restoreCommand(...):"
                + " recovery to a target replays archived WAL");
      }
      return new PhysicalTarget(this);
    }
  }
}
