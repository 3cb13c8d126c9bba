package com.avnology.backup.postgres;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.postgres.internal.catalog.Identifiers;
import com.avnology.backup.postgres.internal.migrate.AppendOnlyGuard;
import com.avnology.backup.postgres.internal.migrate.MigrationLock;
import com.avnology.backup.postgres.internal.migrate.SafetySnapshot;
import com.avnology.backup.postgres.internal.migrate.UndoScripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.CoreMigrationType;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.Location;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateOutput;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Schema migrations over Flyway: SQL files {@code V<version>__<description>.sql} applied in version
 * order, recorded in a schema history table ({@code flyway_schema_history}).
 *
 * <pre>{@code
 * MigrationResult r = Migrations.builder(dataSource)
 *     .locations("classpath:db/migration", "filesystem:/etc/app/migrations")
 *     .safetySnapshot(Path.of("/var/backups/pre-migrate"))
 *     .build()
 *     .migrate();
 * }</pre>
 *
 * <ul>
 *   <li>{@link #migrate()} is idempotent (a second call applies nothing) and safe when several
 *       instances boot at once: calls are serialised by a PostgreSQL advisory lock of this library,
 *       and Flyway takes its own session-level advisory lock on the history table.
 *   <li>Applied migrations are append-only: {@link #validate()} and {@link #migrate()} refuse a
 *       migration whose file changed, was renamed or removed after it ran ({@link
 *       MigrationChangedException}). A change of line endings (LF, CRLF, CR) or a byte-order mark
 *       alone is not a change: Flyway's checksum reads the file line by line.
 *   <li>{@link #rollback()} undoes the last applied migration with its undo script {@code
 *       U<version>__<description>.sql} (next to the {@code V} file) and deletes its history row,
 *       both in one transaction.
 *   <li>Statements PostgreSQL refuses inside a transaction ({@code CREATE INDEX CONCURRENTLY},
 *       {@code VACUUM}, …) are detected by Flyway's PostgreSQL parser: such a file runs without a
 *       transaction (one file must not mix both kinds).
 *   <li>With {@link Builder#safetySnapshot(Path)}, a backup of the whole database is taken before
 *       pending migrations run and restored automatically if one fails, leaving the database as it
 *       was.
 * </ul>
 *
 * <p>{@link #of(DataSource)} takes the defaults; {@link #builder(DataSource)} the settings, and
 * {@link #toBuilder()} a variant of an instance's. Instances are immutable and thread-safe. The
 * caller's {@link DataSource} is never closed.
 */
public final class Migrations {
  private static final Logger log = LoggerFactory.getLogger(Migrations.class);

  /** The default location, as Flyway's. */
  public static final String DEFAULT_LOCATION = "classpath:db/migration";

  /** The default schema history table, as Flyway's. */
  public static final String DEFAULT_TABLE = "flyway_schema_history";

  /** How long {@link #migrate()} and {@link #rollback()} wait for another instance by default. */
  public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofMinutes(30);

  private final DataSource dataSource;
  private final List<String> locations;
  private final List<String> schemas;
  private final String table;
  private final String target;
  private final Path snapshotDirectory;
  private final ClassLoader classLoader;
  private final Duration lockTimeout;
  private final String baselineVersion;

  private Migrations(Builder b) {
    this.dataSource = b.dataSource;
    this.locations = List.copyOf(b.locations);
    this.schemas = List.copyOf(b.schemas);
    this.table = b.table;
    this.target = b.target;
    this.snapshotDirectory = b.snapshotDirectory;
    this.classLoader = b.classLoader;
    this.lockTimeout = b.lockTimeout;
    this.baselineVersion = b.baselineVersion;
  }

  /**
   * {@return a builder of migrations from {@value #DEFAULT_LOCATION} into the connection's default
   * schema, until other settings are given}
   *
   * @param dataSource connections to the database; never closed by this library
   */
  public static Builder builder(DataSource dataSource) {
    return new Builder(
        com.avnology.backup.postgres.internal.engine.PoolerSafe.wrap(
            requireNonNull(dataSource, "null dataSource")));
  }

  /**
   * {@return a builder of migrations from {@value #DEFAULT_LOCATION} into the connection's default
   * schema, until other settings are given}
   *
   * @param jdbcUrl such as {@code jdbc:postgresql://host:5432/db?user=u&password=p}; the password
   *     never appears in messages
   * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL
   */
  public static Builder builder(String jdbcUrl) {
    return builder(JdbcUrls.dataSource(requireNonNull(jdbcUrl, "null jdbcUrl")));
  }

  /**
   * {@return migrations from {@value #DEFAULT_LOCATION} into the connection's default schema, as
   * {@code builder(dataSource).build()}}
   *
   * @param dataSource connections to the database; never closed by this library
   */
  public static Migrations of(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /**
   * {@return migrations from {@value #DEFAULT_LOCATION} into the connection's default schema, as
   * {@code builder(jdbcUrl).build()}}
   *
   * @param jdbcUrl such as {@code jdbc:postgresql://host:5432/db?user=u&password=p}; the password
   *     never appears in messages
   * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL
   */
  public static Migrations of(String jdbcUrl) {
    return builder(jdbcUrl).build();
  }

  /**
   * Returns a builder holding these settings, for a variant of them:
   *
   * <pre>{@code
   * migrations.toBuilder().target("3").build().migrate();
   * }</pre>
   *
   * @return a new builder with this instance's data source and settings
   */
  public Builder toBuilder() {
    Builder b = new Builder(dataSource);
    b.locations = locations;
    b.schemas = schemas;
    b.table = table;
    b.target = target;
    b.snapshotDirectory = snapshotDirectory;
    b.classLoader = classLoader;
    b.lockTimeout = lockTimeout;
    b.baselineVersion = baselineVersion;
    return b;
  }

  /**
   * Builds {@link Migrations}. Each setting checks its value when it is given. Not thread-safe;
   * {@link #build()} leaves it unchanged.
   */
  public static final class Builder {
    private final DataSource dataSource;
    private List<String> locations = List.of(DEFAULT_LOCATION);
    private List<String> schemas = List.of();
    private String table = DEFAULT_TABLE;
    private String target;
    private Path snapshotDirectory;
    private ClassLoader classLoader = Migrations.class.getClassLoader();
    private Duration lockTimeout = DEFAULT_LOCK_TIMEOUT;
    private String baselineVersion;

    private Builder(DataSource dataSource) {
      this.dataSource = dataSource;
    }

    /**
     * {@return this builder, reading these locations instead of {@value
     * Migrations#DEFAULT_LOCATION}}
     *
     * @param locations where the SQL files are, such as {@code classpath:db/migration} or {@code
     *     filesystem:/etc/app/migrations} (subdirectories included); at least one
     * @throws IllegalArgumentException if none is given or a location has another prefix
     */
    public Builder locations(String... locations) {
      if (locations.length == 0) {
        throw new IllegalArgumentException(
            "no migration location given; pass at least one, such"
                + " as classpath:db/migration or filesystem:/path/to/dir");
      }
      for (String l : locations) {
        requireNonNull(l, "null location");
        if (!l.startsWith("classpath:") && !l.startsWith("filesystem:")) {
          throw new IllegalArgumentException(
              "migration location '"
                  + l
                  + "' is neither"
                  + " classpath:... nor filesystem:...; prefix it with one of them");
        }
      }
      this.locations = List.of(locations);
      return this;
    }

    /**
     * {@return this builder, managing these schemas}
     *
     * @param schemas schemas Flyway manages; created if missing, the first holds the history table
     *     and is the migrations' default schema. None (the default): the connection's current
     *     schema
     */
    public Builder schemas(String... schemas) {
      for (String s : schemas) {
        requireNonNull(s, "null schema");
      }
      this.schemas = List.of(schemas);
      return this;
    }

    /**
     * {@return this builder, using that history table}
     *
     * @param table the schema history table's name; {@value Migrations#DEFAULT_TABLE} by default
     * @throws IllegalArgumentException if the name is blank
     */
    public Builder table(String table) {
      if (requireNonNull(table, "null table").isBlank()) {
        throw new IllegalArgumentException(
            "blank history table name; leave it at " + DEFAULT_TABLE + " or give a name");
      }
      this.table = table;
      return this;
    }

    /**
     * {@return this builder, stopping at that version}
     *
     * @param version migrate up to and including this version, such as {@code 42}; {@code latest}
     *     (the default) for all
     */
    public Builder target(String version) {
      this.target = "latest".equals(version) ? null : requireNonNull(version, "null version");
      return this;
    }

    /**
     * Takes a backup of the whole database into a file-system sink at {@code directory} before
     * applying pending migrations (none is taken when nothing is pending), and restores it if a
     * migration fails. The restore rewinds the whole database: run migrations while the
     * application's writers are stopped, as at boot. Snapshot sets are kept; delete old ones with
     * the sink. None by default.
     *
     * @param directory the sink's root directory
     * @return this builder
     */
    public Builder safetySnapshot(Path directory) {
      this.snapshotDirectory = requireNonNull(directory, "null directory");
      return this;
    }

    /**
     * {@return this builder, loading {@code classpath:} locations with it}
     *
     * @param loader class loader for {@code classpath:} locations; this library's by default
     */
    public Builder classLoader(ClassLoader loader) {
      this.classLoader = requireNonNull(loader, "null loader");
      return this;
    }

    /**
     * {@return this builder, waiting that long}
     *
     * @param timeout how long {@link Migrations#migrate()} and {@link Migrations#rollback()} wait
     *     for another instance's migrate or rollback to finish; {@link
     *     Migrations#DEFAULT_LOCK_TIMEOUT} by default
     * @throws IllegalArgumentException if the timeout is negative
     */
    public Builder lockTimeout(Duration timeout) {
      if (requireNonNull(timeout, "null timeout").isNegative()) {
        throw new IllegalArgumentException("negative lock timeout " + timeout);
      }
      this.lockTimeout = timeout;
      return this;
    }

    /**
     * For a schema that already holds objects but no history table, such as a database restored
     * from a dump: {@link Migrations#migrate()} first records {@code version} as applied (Flyway's
     * baseline), then applies only the migrations above it. A schema that has a history table is
     * unaffected. None by default.
     *
     * @param version the version the schema is at, such as {@code 7}
     * @return this builder
     * @throws IllegalArgumentException if the version is blank
     */
    public Builder baselineVersion(String version) {
      if (requireNonNull(version, "null version").isBlank()) {
        throw new IllegalArgumentException(
            "blank baseline version; give the version the schema" + " is at, such as 7");
      }
      this.baselineVersion = version;
      return this;
    }

    /** {@return the migrations, immutable; the builder stays usable} */
    public Migrations build() {
      return new Migrations(this);
    }
  }

  // ------------------------------------------------------------------ operations

  /**
   * Applies pending migrations, after the append-only check. Concurrent calls (several instances)
   * wait for each other; the later ones find nothing pending.
   *
   * @return what was applied
   * @throws MigrationChangedException if an applied migration's file changed; nothing ran
   * @throws MigrationException if a migration failed (the message names it and says what state the
   *     database is in) or the configuration is wrong
   */
  public MigrationResult migrate() {
    Instant start = Instant.now();
    String history = historyTable();
    try (MigrationLock lock = MigrationLock.acquire(dataSource, history, lockTimeout)) {
      Flyway flyway = flyway(false);
      MigrationInfoService info = flyway(() -> flyway.info(), "reading " + history);
      AppendOnlyGuard.check(info.all(), history);
      String before = version(info.current());
      MigrationInfo[] pending = info.pending();
      if (pending.length == 0) {
        log.info("schema {} is up to date at version {}", history, before);
        return new MigrationResult(
            List.of(), before, before, null, Duration.between(start, Instant.now()));
      }
      Map<String, String> scripts = new HashMap<>();
      for (MigrationInfo p : pending) {
        scripts.put(
            p.getVersion() == null ? p.getScript() : p.getVersion().getVersion(), p.getScript());
      }
      SafetySnapshot snapshot =
          snapshotDirectory == null ? null : SafetySnapshot.take(dataSource, snapshotDirectory);
      org.flywaydb.core.api.output.MigrateResult result;
      try {
        result = flyway.migrate();
      } catch (FlywayException e) {
        throw failed(e, snapshot, flyway, before);
      }
      List<AppliedMigration> applied = new ArrayList<>();
      for (MigrateOutput m : result.migrations) {
        String version = m.version == null || m.version.isEmpty() ? null : m.version;
        String script =
            scripts.getOrDefault(
                version == null ? "" : version,
                m.filepath == null ? "" : Path.of(m.filepath).getFileName().toString());
        applied.add(
            new AppliedMigration(
                version, m.description, script, Duration.ofMillis(m.executionTime)));
      }
      String after = version(flyway.info().current());
      log.info("applied {} migrations to {}: {} -> {}", applied.size(), history, before, after);
      return new MigrationResult(
          applied,
          before,
          after,
          snapshot == null ? null : snapshot.setId(),
          Duration.between(start, Instant.now()));
    }
  }

  /**
   * Checks applied migrations against their files without migrating: refuses changed, renamed or
   * removed files and failed migrations, and anything else Flyway's validation finds (such as a new
   * file with a version below the latest applied). Pending migrations are fine.
   *
   * @throws MigrationChangedException if an applied migration's file changed
   * @throws MigrationException on any other validation failure
   */
  public void validate() {
    String history = historyTable();
    Flyway flyway = flyway(true);
    MigrationInfoService info = flyway(() -> flyway.info(), "reading " + history);
    AppendOnlyGuard.check(info.all(), history);
    ValidateResult r = flyway(() -> flyway.validateWithResult(), "validating " + history);
    if (!r.validationSuccessful) {
      List<String> problems = new ArrayList<>();
      r.invalidMigrations.forEach(
          o ->
              problems.add(
                  "V"
                      + o.version
                      + " ("
                      + o.filepath
                      + "): "
                      + (o.errorDetails == null ? "invalid" : o.errorDetails.errorMessage)));
      throw new MigrationException(
          "validation of "
              + history
              + " failed: "
              + (problems.isEmpty() ? r.getAllErrorMessages() : String.join("; ", problems))
              + "; migrations are append-only: keep shipped files unchanged and give new ones a"
              + " version above the latest applied ("
              + version(info.current())
              + ")");
    }
  }

  /**
   * Rolls back the last applied migration: runs its undo script {@code U<version>__*.sql} and
   * deletes its history row in one transaction, so either both happen or neither.
   *
   * @return what was rolled back
   * @throws MigrationException if nothing is applied, the last migration has no undo script (or
   *     several), the undo script cannot run in a transaction, something ran after it, or the undo
   *     script fails (then nothing changed)
   * @throws MigrationChangedException if an applied migration's file changed
   */
  public RollbackResult rollback() {
    String history = historyTable();
    try (MigrationLock lock = MigrationLock.acquire(dataSource, history, lockTimeout)) {
      Flyway flyway = flyway(true);
      MigrationInfoService info = flyway(() -> flyway.info(), "reading " + history);
      AppendOnlyGuard.check(info.all(), history);
      MigrationInfo last = null;
      for (MigrationInfo i : info.applied()) {
        if (last == null || i.getInstalledRank() > last.getInstalledRank()) {
          last = i;
        }
      }
      if (last == null || !last.isVersioned() || last.getVersion() == null) {
        throw new MigrationException(
            "nothing to roll back: "
                + history
                + " records no applied"
                + " versioned migration"
                + (last == null ? "" : " as its last entry (last: " + last.getScript() + ")"));
      }
      String v = last.getVersion().getVersion();
      if (last.getType() != CoreMigrationType.SQL || last.getState() != MigrationState.SUCCESS) {
        throw new MigrationException(
            "cannot roll back V"
                + v
                + " ("
                + last.getScript()
                + "): it"
                + " is a "
                + last.getType()
                + " entry in state "
                + last.getState()
                + "; only applied SQL migrations have undo scripts");
      }
      Location[] locs = flyway.getConfiguration().getLocations();
      List<UndoScripts.Undo> undos =
          UndoScripts.find(locs, classLoader, last.getVersion(), last.getScript());
      if (undos.isEmpty()) {
        throw new MigrationException(
            "cannot roll back V"
                + v
                + " ("
                + last.getScript()
                + "): no undo script U"
                + v
                + "__*.sql in "
                + locations
                + "; write one next to "
                + last.getScript()
                + " that reverses it, or restore a backup");
      }
      if (undos.size() > 1) {
        throw new MigrationException(
            "cannot roll back V"
                + v
                + ": several undo scripts "
                + undos.stream().map(UndoScripts.Undo::where).toList()
                + "; keep exactly one");
      }
      UndoScripts.Undo undo = undos.get(0);
      Optional<String> nonTx = UndoScripts.nonTransactional(undo.sql());
      if (nonTx.isPresent()) {
        throw new MigrationException(
            "cannot roll back V"
                + v
                + ": its undo script "
                + undo.where()
                + " holds '"
                + nonTx.get()
                + "', which PostgreSQL cannot run in a"
                + " transaction, so the undo and the removal of its history row could not be atomic;"
                + " rewrite the undo without it (e.g. DROP INDEX without CONCURRENTLY), or undo by"
                + " hand and write a new forward migration");
      }
      Instant start = Instant.now();
      runUndo(history, last, undo);
      Duration took = Duration.between(start, Instant.now());
      String after = version(flyway.info().current());
      log.info("rolled back V{} of {} with {} in {}", v, history, undo.fileName(), took);
      return new RollbackResult(
          new AppliedMigration(v, last.getDescription(), last.getScript(), took),
          undo.fileName(),
          after);
    }
  }

  /**
   * {@return the schema's current version, empty when no versioned migration is applied}
   *
   * @throws MigrationException if the history cannot be read
   */
  public Optional<String> currentVersion() {
    Flyway flyway = flyway(true);
    return Optional.ofNullable(version(flyway(() -> flyway.info(), "reading history").current()));
  }

  @Override
  public String toString() {
    return "Migrations[locations="
        + locations
        + ", schemas="
        + schemas
        + ", table="
        + table
        + ", target="
        + (target == null ? "latest" : target)
        + (baselineVersion == null ? "" : ", baselineVersion=" + baselineVersion)
        + (snapshotDirectory == null ? "" : ", safetySnapshot=" + snapshotDirectory)
        + "]";
  }

  // ------------------------------------------------------------------ internals

  private Flyway flyway(boolean ignorePending) {
    for (String l : locations) {
      if (l.startsWith("filesystem:")) {
        Path dir = Path.of(l.substring("filesystem:".length()));
        if (!Files.isDirectory(dir)) {
          throw new MigrationException(
              "migration location "
                  + l
                  + " is not a directory; check"
                  + " the path (filesystem:/absolute/dir)");
        }
      }
    }
    FluentConfiguration cfg =
        Flyway.configure(classLoader)
            .dataSource(dataSource)
            .locations(locations.toArray(String[]::new))
            .table(table)
            .cleanDisabled(true)
            .placeholderReplacement(false)
            .validateOnMigrate(true)
            .ignoreMigrationPatterns(
                ignorePending ? new String[] {"*:future", "*:pending"} : new String[] {"*:future"});
    if (!schemas.isEmpty()) {
      cfg.schemas(schemas.toArray(String[]::new));
    }
    if (target != null) {
      cfg.target(target);
    }
    if (baselineVersion != null) {
      cfg.baselineOnMigrate(true).baselineVersion(baselineVersion);
    }
    // A transactional advisory lock keeps a transaction open for the whole run, which
    // CREATE INDEX CONCURRENTLY in another session waits for forever: use the session lock.
    cfg.getPluginRegister()
        .getExact(PostgreSQLConfigurationExtension.class)
        .setTransactionalLock(false);
    return cfg.load();
  }

  private static <T> T flyway(Supplier<T> call, String what) {
    try {
      return call.get();
    } catch (FlywayException e) {
      throw new MigrationException(what + " failed: " + oneLine(e.getMessage()), e);
    }
  }

  private MigrationException failed(
      FlywayException e, SafetySnapshot snapshot, Flyway flyway, String before) {
    String what = "migration failed: " + oneLine(e.getMessage());
    if (e.getMessage() != null && e.getMessage().contains("but no schema history table")) {
      // Flyway checks this before it changes anything: there is nothing to rewind
      return new MigrationException(
          "cannot migrate: the schema holds objects but no history"
              + " table "
              + historyTable()
              + " (a database restored from a dump, or made by hand);"
              + " nothing was migrated; give baselineVersion(version) with the version the schema is"
              + " at, to record it as applied and apply only later migrations",
          e);
    }
    if (snapshot != null) {
      try {
        snapshot.restore();
      } catch (RuntimeException re) {
        MigrationException m =
            new MigrationException(
                what
                    + "; restoring safety snapshot "
                    + snapshot.setId()
                    + " failed too: "
                    + re.getMessage(),
                e);
        m.addSuppressed(re);
        return m;
      }
      return new MigrationException(
          what
              + "; the database was restored from safety snapshot "
              + snapshot.setId()
              + " ("
              + snapshotDirectory
              + ") and is as before (version "
              + before
              + "); fix the migration with a new file or fix its data, then migrate again",
          e);
    }
    String now;
    try {
      now = version(flyway.info().current());
    } catch (RuntimeException ignored) {
      now = "unknown";
    }
    return new MigrationException(
        what
            + "; a migration that ran in a transaction was rolled"
            + " back, those before it stay applied (version was "
            + before
            + ", now "
            + now
            + "); fix the cause and migrate again, or use safetySnapshot() to rewind on failure",
        e);
  }

  private void runUndo(String history, MigrationInfo last, UndoScripts.Undo undo) {
    String v = last.getVersion().getVersion();
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        try (PreparedStatement p = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
          p.setLong(1, MigrationLock.flywayKey(history));
          try (ResultSet rs = p.executeQuery()) {
            rs.next();
            if (!rs.getBoolean(1)) {
              throw new MigrationException(
                  "cannot roll back V"
                      + v
                      + ": Flyway is migrating "
                      + history
                      + " from another process right now (it holds its advisory lock);"
                      + " wait for it to finish and roll back again");
            }
          }
        }
        try (ResultSet rs = s.executeQuery("SELECT max(installed_rank) FROM " + history)) {
          rs.next();
          if (rs.getInt(1) != last.getInstalledRank()) {
            throw new MigrationException(
                "cannot roll back V"
                    + v
                    + ": "
                    + history
                    + " gained"
                    + " entries after it (installed rank "
                    + rs.getInt(1)
                    + " > "
                    + last.getInstalledRank()
                    + "); roll back the latest entry first");
          }
        }
        if (!schemas.isEmpty()) {
          try (PreparedStatement p =
              c.prepareStatement("SELECT set_config('search_path', quote_ident(?), true)")) {
            p.setString(1, schemas.get(0));
            p.execute();
          }
        }
        s.execute(undo.sql());
        s.execute("RESET search_path");
        try (PreparedStatement p =
            c.prepareStatement("DELETE FROM " + history + " WHERE installed_rank = ?")) {
          p.setInt(1, last.getInstalledRank());
          if (p.executeUpdate() != 1) {
            throw new MigrationException(
                "cannot roll back V"
                    + v
                    + ": its row in "
                    + history
                    + " vanished; check the history table");
          }
        }
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        if (e instanceof SQLException se && "25001".equals(se.getSQLState())) {
          throw new MigrationException(
              "cannot roll back V"
                  + v
                  + ": its undo script "
                  + undo.where()
                  + " holds a statement PostgreSQL cannot run in a transaction ("
                  + se.getMessage()
                  + "); nothing changed; rewrite the undo without it",
              se);
        }
        if (e instanceof SQLException se) {
          throw new MigrationException(
              "undo script "
                  + undo.where()
                  + " for V"
                  + v
                  + " failed: "
                  + se.getMessage()
                  + "; nothing changed (the transaction was rolled"
                  + " back); fix the undo script and roll back again",
              se);
        }
        throw (RuntimeException) e;
      }
    } catch (SQLException e) {
      throw new MigrationException(
          "cannot roll back V" + v + " in " + history + ": " + e.getMessage(), e);
    }
  }

  /**
   * @return {@code "schema"."table"} as Flyway names it (its advisory lock key depends on it)
   */
  private String historyTable() {
    String schema = schemas.isEmpty() ? null : schemas.get(0);
    if (schema == null) {
      try (Connection c = dataSource.getConnection();
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT current_schema()")) {
        rs.next();
        schema = rs.getString(1);
      } catch (SQLException e) {
        throw new MigrationException(
            "cannot connect to read the current schema: "
                + e.getMessage()
                + "; check the data source",
            e);
      }
      if (schema == null) {
        throw new MigrationException(
            "the connection has no current schema (search_path names"
                + " no existing schema); set schemas(...) or fix search_path");
      }
    }
    return Identifiers.alwaysQuoted(schema) + "." + Identifiers.alwaysQuoted(table);
  }

  private static String version(MigrationInfo i) {
    return i == null || i.getVersion() == null ? null : i.getVersion().getVersion();
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    return message.replaceAll("\\s*\\R\\s*-*\\s*", "; ").replaceAll("(; )+", "; ").trim();
  }
}
