package com.avnology.backup.postgres.physical;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupNames;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Compression;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.StorageException;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import com.avnology.backup.postgres.internal.physical.BackupSession;
import com.avnology.backup.postgres.internal.physical.DataDirectoryExtractor;
import com.avnology.backup.postgres.internal.physical.DataDirectoryTar;
import com.avnology.backup.postgres.internal.physical.RecoveryConfig;
import com.avnology.backup.postgres.internal.physical.WalNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A PostgreSQL cluster backed up physically: a non-exclusive {@code pg_backup_start} /
 * {@code pg_backup_stop} over JDBC, the data directory's files as one tar stream ({@code
 * physical/<name>.tar[.zst]}) with the {@code backup_label} and {@code tablespace_map} the stop
 * returned, and the WAL from the start to the stop location in {@code pg_wal/} of the same tar, so
 * every set restores on its own (as {@code pg_basebackup -X fetch}). Beside it, {@code
 * physical/<name>.files.tsv[.zst]} lists every file copied: mode, size, modification time,
 * SHA-256 and path. The manifest records start and
 * stop LSN, timeline, the segments and the system identifier.
 *
 * <p>The process must read the data directory (a sidecar mounting the volume read-only is enough)
 * and connect as a role allowed to run {@code pg_backup_start}. The needed WAL is read from {@code
 * pg_wal} right after the stop; if a checkpoint removed it first, the backup fails and says so
 * (raise {@code wal_keep_size}). Tablespaces are refused in this version. Full backups only.
 *
 * <p>Restore lays the files out into an empty or absent directory (mode 0700), then, with a {@link
 * Builder#restoreCommand(String)}, writes {@code recovery.signal} and the recovery settings into
 * {@code postgresql.auto.conf}; starting PostgreSQL on the directory then replays archived WAL to
 * the {@link RecoveryTarget} and promotes.
 *
 * <p>Immutable and thread-safe.
 */
public final class PhysicalTarget implements BackupTarget {
  /** This target's kind. */
  public static final String KIND = "physical";
  private static final Logger log = LoggerFactory.getLogger(PhysicalTarget.class);

  private final String name;
  private final DataSource dataSource;
  private final Path dataDirectory;
  private final RecoveryTarget recovery;
  private final String restoreCommand;

  private PhysicalTarget(Builder b) {
    this.name = b.name;
    this.dataSource = b.dataSource;
    this.dataDirectory = b.dataDirectory;
    this.recovery = b.recovery;
    this.restoreCommand = b.restoreCommand;
  }

  /**
   * @param dataSource connects to the server to back up; never closed by this target
   * @param dataDirectory that server's data directory, readable by this process
   * @return a builder for backing up
   */
  public static Builder builder(DataSource dataSource, Path dataDirectory) {
    return new Builder(requireNonNull(dataSource, "null dataSource"), dataDirectory);
  }

  /**
   * @param dataDirectory the directory to restore into: empty or absent
   * @return a builder for restoring
   */
  public static Builder restoreBuilder(Path dataDirectory) {
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

  /** @return the data directory */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException if built by {@link #restoreBuilder(Path)}, without a data source
   * @throws BackupException if the directory is not the server's data directory, the cluster has
   *     tablespaces, or the WAL the backup needs is gone from pg_wal
   */
  @Override
  public void backup(BackupContext context) {
    if (dataSource == null) {
      throw new IllegalStateException("physical target " + name + " has no data source: build it"
          + " with PhysicalTarget.builder(dataSource, dataDirectory) to back up");
    }
    Compression compression = context.compression();
    context.option("format", "tar");
    context.option("wal", "included");
    try (BackupSession session = BackupSession.open(dataSource)) {
      session.checkDataDirectory(dataDirectory);
      DataDirectoryTar.checkNoTablespaces(dataDirectory);
      String path = name + ".tar" + compression.suffix();
      String list = name + ".files.tsv" + compression.suffix();
      try (OutputStream out = compression.compress(context.artifact(path, compression.algorithm()));
          OutputStream files = compression.compress(context.artifact(list,
              compression.algorithm()));
          DataDirectoryTar tar = new DataDirectoryTar(out, files, context::entriesDone)) {
        copy(session, tar, context);
      }
    } catch (IOException e) {
      throw new StorageException("cannot back up data directory " + dataDirectory + ": " + e, e);
    } catch (SQLException e) {
      throw new BackupException("physical backup of " + dataDirectory + " failed on the server: "
          + e.getMessage(), e);
    }
  }

  private void copy(BackupSession session, DataDirectoryTar tar, BackupContext context)
      throws IOException, SQLException {
    Instant started = Instant.now();
    long start = session.start("avnology-backup " + context.setId());
    log.info("physical backup of {} started at {}", dataDirectory, WalNames.formatLsn(start));
    tar.tree(dataDirectory);
    BackupSession.Stop stop = session.stop();
    tar.text("backup_label", stop.backupLabel());
    if (!stop.tablespaceMap().isEmpty()) {
      tar.text("tablespace_map", stop.tablespaceMap());
    }
    tar.control(dataDirectory);
    int timeline = timeline(stop.backupLabel());
    List<String> segments = WalNames.range(timeline, start, stop.lsn(), session.segmentSize());
    for (String segment : segments) {
      if (!tar.file(dataDirectory.resolve("pg_wal").resolve(segment), "pg_wal/" + segment)) {
        throw new BackupException("WAL segment " + segment + " that the backup needs was removed"
            + " from pg_wal before it could be copied: raise wal_keep_size and run it again");
      }
    }
    context.metadata("start_lsn", WalNames.formatLsn(start));
    context.metadata("stop_lsn", WalNames.formatLsn(stop.lsn()));
    context.metadata("timeline", Integer.toString(timeline));
    context.metadata("start_time", started.toString());
    context.metadata("stop_time", Instant.now().toString());
    context.metadata("wal_first", segments.get(0));
    context.metadata("wal_last", segments.get(segments.size() - 1));
    context.metadata("system_identifier", Long.toUnsignedString(session.systemIdentifier()));
    context.metadata("server_version_num", Integer.toString(session.version()));
    context.metadata("files", Long.toString(tar.entries()));
    context.metadata("bytes", Long.toString(tar.bytes()));
    log.info("physical backup of {} stopped at {}: {} entries, {} bytes, WAL {}..{}",
        dataDirectory, WalNames.formatLsn(stop.lsn()), tar.entries(), tar.bytes(),
        segments.get(0), segments.get(segments.size() - 1));
  }

  private static int timeline(String backupLabel) {
    for (String line : backupLabel.split("\n")) {
      if (line.startsWith("START TIMELINE: ")) {
        return Integer.parseInt(line.substring("START TIMELINE: ".length()).trim());
      }
    }
    throw new BackupException("backup_label from the server has no START TIMELINE line:\n"
        + backupLabel);
  }

  /**
   * {@inheritDoc}
   *
   * @throws BackupException if the directory is not empty
   */
  @Override
  public void restore(RestoreContext context) {
    try {
      prepare();
      extract(context);
      Files.setPosixFilePermissions(dataDirectory, PosixFilePermissions.fromString("rwx------"));
      Map<String, String> settings = new LinkedHashMap<>();
      if (restoreCommand != null) {
        settings.put("restore_command", restoreCommand);
        settings.putAll(recovery.settings());
        RecoveryConfig.write(dataDirectory, context.setId(), settings);
      }
      log.info("restored set {} into {}; recovery: {}", context.setId(), dataDirectory,
          restoreCommand == null ? "WAL in the set only" : recovery);
    } catch (IOException e) {
      throw new StorageException("restore into " + dataDirectory + " failed: " + e
          + "; the directory holds a partial restore: empty it before trying again", e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * @return {@code true}: the tar is laid out in one pass, and a failed check (or any other
   *     failure) empties the directory again
   */
  @Override
  public boolean verifiesWhileRestoring() {
    return true;
  }

  private void extract(RestoreContext context) throws IOException {
    Manifest.Artifact artifact = context.artifactStartingWith(name + ".tar");
    Compression.Algorithm algorithm = Compression.Algorithm.valueOf(
        artifact.compression().toUpperCase(Locale.ROOT));
    try (InputStream raw = context.open(artifact.path().substring(KIND.length() + 1));
        InputStream in = Compression.decompress(algorithm, raw)) {
      DataDirectoryExtractor extractor =
          new DataDirectoryExtractor(dataDirectory, context::entriesDone);
      try {
        extractor.extract(in);
        // the size and hash check runs at the stored bytes' end
        raw.transferTo(OutputStream.nullOutputStream());
      } catch (IOException | RuntimeException e) {
        extractor.empty();
        if (!(e instanceof IntegrityException)) {
          java.util.Optional<IntegrityException> damage = damage(raw);
          if (damage.isPresent()) {
            damage.get().addSuppressed(e);
            throw damage.get();
          }
        }
        throw e;
      }
    }
  }

  /** After a decompressor or tar error: the rest of the stored bytes, checked, names damage. */
  private static java.util.Optional<IntegrityException> damage(InputStream raw) {
    try {
      raw.transferTo(OutputStream.nullOutputStream());
    } catch (IntegrityException damage) {
      return java.util.Optional.of(damage);
    } catch (IOException | RuntimeException ignored) {
      // the first failure stands
    }
    return java.util.Optional.empty();
  }

  private void prepare() throws IOException {
    try (var list = Files.list(dataDirectory)) {
      if (list.findAny().isPresent()) {
        throw new BackupException("cannot restore a physical backup into " + dataDirectory
            + ": it is not empty; give an empty or new directory");
      }
    } catch (NoSuchFileException e) {
      Files.createDirectories(dataDirectory.getParent());
      Files.createDirectory(dataDirectory,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
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

    private Builder(DataSource dataSource, Path dataDirectory) {
      this.dataSource = dataSource;
      this.dataDirectory =
          requireNonNull(dataDirectory, "null dataDirectory").toAbsolutePath().normalize();
    }

    /**
     * @param name the cluster's name in backup sets; {@code cluster} by default
     * @return this builder
     * @throws IllegalArgumentException if not 1-63 of a-z, 0-9, '-' and '_'
     */
    public Builder name(String name) {
      this.name = BackupNames.checkTargetName("physical target name",
          requireNonNull(name, "null name"));
      return this;
    }

    /**
     * @param target where recovery stops; the end of the archived WAL by default
     * @return this builder
     */
    public Builder recovery(RecoveryTarget target) {
      this.recovery = requireNonNull(target, "null target");
      this.recoverySet = true;
      return this;
    }

    /**
     * @param command the {@code restore_command} the restored server runs to fetch archived WAL,
     *     such as {@code avnology-backup wal-get --from file:/backups %f %p}; without it the
     *     restored server replays only the WAL in the set
     * @return this builder
     * @throws IllegalArgumentException if it lacks {@code %f} or {@code %p}
     */
    public Builder restoreCommand(String command) {
      requireNonNull(command, "null command");
      if (!command.contains("%f") || !command.contains("%p")) {
        throw new IllegalArgumentException("restore command must contain %f and %p (PostgreSQL"
            + " replaces them with the WAL file's name and destination): " + command);
      }
      this.restoreCommand = command;
      return this;
    }

    /**
     * @return the target
     * @throws IllegalStateException if a recovery target is given without a restore command
     */
    public PhysicalTarget build() {
      if (recoverySet && restoreCommand == null) {
        throw new IllegalStateException("recovery(" + recovery + ") needs restoreCommand(...):"
            + " recovery to a target replays archived WAL");
      }
      return new PhysicalTarget(this);
    }
  }
}
