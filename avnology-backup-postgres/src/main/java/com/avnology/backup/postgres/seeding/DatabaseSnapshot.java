package com.avnology.backup.postgres.seeding;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupException;
import com.avnology.backup.Compression;
import com.avnology.backup.postgres.PgDumpArchive;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.postgres.internal.seeding.Leftovers;
import com.avnology.backup.postgres.internal.seeding.Names;
import com.avnology.backup.postgres.internal.seeding.Server;
import com.avnology.backup.postgres.internal.seeding.TableReset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database state captured once, handing out fresh, isolated copies, one per test.
 *
 * <pre>{@code
 * try (DatabaseSnapshot snapshot = DatabaseSnapshot.builder("jdbc:postgresql://localhost/postgres?user=postgres")
 *         .seed(Seed.migrations("classpath:db/migration"))
 *         .build();                              // runs the migrations once
 *     SeededDatabase db = snapshot.copy()) {     // ~50 ms: CREATE DATABASE … TEMPLATE …
 *   run(db.dataSource());
 * }                                              // the copy, then the snapshot, dropped
 * }</pre>
 *
 * <p>Databases it creates are named {@code <prefix>_<pid>_<jvm start>_<s|c><n>} and commented with
 * the host: {@link Builder#build()} drops those whose JVM has ended (killed, crashed), and a
 * shutdown hook drops this JVM's when {@link #close()} was not called. See {@link SeedMode} for the
 * three ways to make copies.
 *
 * <p>Immutable once built and thread-safe: copies may be taken from parallel tests.
 */
public final class DatabaseSnapshot implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatabaseSnapshot.class);
  private static final Pattern PREFIX = Pattern.compile("[a-z][a-z0-9_]{0,29}");

  private final Server server;
  private final SeedMode mode;
  private final String prefix;
  private final Clock clock;
  private final String name;
  private final Path archive;
  private final TableReset reset;
  private final List<String> leftoversRemoved;
  private final Set<String> open = ConcurrentHashMap.newKeySet();
  private final Semaphore resetTurn = new Semaphore(1, true);
  private final Thread hook = new Thread(this::close, "avnology-seeding-cleanup");
  private volatile boolean closed;

  private DatabaseSnapshot(Builder b, Server server, SeedMode mode, List<String> leftovers) {
    this.server = server;
    this.mode = mode;
    this.prefix = b.prefix;
    this.clock = b.clock;
    this.leftoversRemoved = List.copyOf(leftovers);
    String db = mode == SeedMode.RESET ? server.database() : Names.next(prefix, 's');
    if (mode != SeedMode.RESET) {
      createDatabase(db, "template0");
    }
    try {
      b.seeds.forEach(s -> s.apply(server.dataSource(db)));
      this.reset = mode == SeedMode.RESET ? TableReset.capture(server, db) : null;
      this.archive = mode == SeedMode.RESTORE ? export(db) : null;
      if (mode == SeedMode.TEMPLATE) {
        server.execute("ALTER DATABASE " + Names.quote(db) + " ALLOW_CONNECTIONS false");
        endSessions(db);
      }
    } catch (RuntimeException e) {
      if (mode != SeedMode.RESET) {
        dropQuietly(db);
      }
      throw e;
    }
    if (mode == SeedMode.RESTORE) {
      dropQuietly(db);
    }
    this.name = db;
    if (mode != SeedMode.RESET) {
      Runtime.getRuntime().addShutdownHook(hook);
    }
  }

  /**
   * {@return a builder}
   *
   * @param jdbcUrl a JDBC URL of the server, such as {@code
   *     jdbc:postgresql://localhost:5432/postgres?user=postgres}: copies are created and dropped
   *     from the database it names (in {@link SeedMode#RESET}, that database is the one seeded)
   * @throws IllegalArgumentException if it is not a PostgreSQL JDBC URL with a host
   */
  public static Builder builder(String jdbcUrl) {
    return new Builder(requireNonNull(jdbcUrl, "null jdbcUrl"));
  }

  /**
   * {@return a new copy for one test, which it drops by closing it; in {@link SeedMode#RESET}, the
   * seeded database, once the previous holder has closed it}
   *
   * @throws IllegalStateException if this snapshot was closed
   * @throws BackupException if the server refuses the copy
   */
  public SeededDatabase copy() {
    if (closed) {
      throw new IllegalStateException(
          "snapshot " + name + " is closed: take copies before" + " closing it");
    }
    if (mode == SeedMode.RESET) {
      resetTurn.acquireUninterruptibly();
      return seeded(
          name,
          () -> {
            try {
              reset.reset();
            } finally {
              resetTurn.release();
            }
          });
    }
    String copy = Names.next(prefix, 'c');
    open.add(copy);
    try {
      if (mode == SeedMode.TEMPLATE) {
        createDatabase(copy, name);
      } else {
        createDatabase(copy, "template0");
        PgDumpArchive.open(archive)
            .restore(PostgresTarget.builder(server.dataSource(copy)).jobs(1).build());
      }
    } catch (RuntimeException e) {
      dropQuietly(copy);
      open.remove(copy);
      throw e;
    }
    return seeded(
        copy,
        () -> {
          server.drop(copy);
          open.remove(copy);
        });
  }

  /** {@return how copies are made} */
  public SeedMode mode() {
    return mode;
  }

  /**
   * {@return the snapshot database (template mode), the name it had before it was exported and
   * dropped (restore mode), or the database reset in place (reset mode)}
   */
  public String name() {
    return name;
  }

  /** {@return databases of dead JVMs that {@link Builder#build()} dropped} */
  public List<String> leftoversRemoved() {
    return leftoversRemoved;
  }

  /**
   * Drops the copies still open and the snapshot database, and deletes the archive; the database of
   * {@link SeedMode#RESET} keeps its content. Safe to call twice.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    if (Thread.currentThread() != hook) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException | IllegalArgumentException ignored) {
        // shutting down, or never registered
      }
    }
    new ArrayList<>(open).forEach(this::dropQuietly);
    if (mode == SeedMode.TEMPLATE) {
      dropQuietly(name);
    }
    if (archive != null) {
      Seed.deleteQuietly(archive);
      Seed.deleteQuietly(archive.getParent());
    }
    if (reset != null) {
      reset.close();
    }
  }

  @Override
  public String toString() {
    return "DatabaseSnapshot[" + name + ", " + mode + ", " + server + "]";
  }

  private SeededDatabase seeded(String db, Runnable release) {
    return new SeededDatabase(db, server.urlFor(db), server.dataSource(db), release);
  }

  private void createDatabase(String db, String template) {
    try (Connection c = server.admin();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + Names.quote(db) + " TEMPLATE " + Names.quote(template));
      s.execute(
          "COMMENT ON DATABASE "
              + Names.quote(db)
              + " IS '"
              + Leftovers.comment(clock).replace("'", "''")
              + "'");
    } catch (SQLException e) {
      throw new BackupException(
          "cannot create test database "
              + db
              + " from "
              + template
              + " on "
              + server
              + ": "
              + e.getMessage()
              + "; the user needs CREATEDB, or use"
              + " SeedMode.RESET",
          e);
    }
  }

  private Path export(String db) {
    try {
      Path file = Files.createTempDirectory("avnology-snapshot").resolve(db + ".dump");
      PgDumpArchive.export(
          PostgresTarget.builder(server.dataSource(db)).build(), file, Compression.none());
      return file;
    } catch (java.io.IOException e) {
      throw new BackupException(
          "cannot create a temporary directory for the snapshot archive: "
              + e
              + "; set java.io.tmpdir",
          e);
    }
  }

  private void endSessions(String db) {
    String others = " FROM pg_stat_activity WHERE datname = '" + db + "'";
    try (Connection c = server.admin();
        Statement s = c.createStatement()) {
      s.execute("SELECT pg_terminate_backend(pid)" + others);
      for (int i = 0; i < 5000; i++) {
        try (ResultSet rs = s.executeQuery("SELECT count(*)" + others)) {
          rs.next();
          if (rs.getLong(1) == 0) {
            return;
          }
        }
        Thread.sleep(2);
      }
      throw new BackupException("sessions on snapshot " + db + " did not end within 10 s");
    } catch (SQLException e) {
      throw new BackupException("cannot end sessions on " + db + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BackupException("interrupted while ending sessions on " + db, e);
    }
  }

  private void dropQuietly(String db) {
    try {
      server.drop(db);
      open.remove(db);
    } catch (RuntimeException e) {
      log.warn("cannot drop test database {}: {}; the next run drops it", db, e.getMessage());
    }
  }

  /** Collects a snapshot's settings. Not thread-safe; {@link #build()} leaves it unchanged. */
  public static final class Builder {
    private final String jdbcUrl;
    private String user;
    private String password;
    private final List<Seed> seeds = new ArrayList<>();
    private SeedMode mode;
    private String prefix = "avnseed";
    private Duration staleAfter = Duration.ofHours(24);
    private Clock clock = Clock.systemUTC();

    private Builder(String jdbcUrl) {
      Server.of(jdbcUrl, null, null); // validates
      this.jdbcUrl = jdbcUrl;
    }

    /**
     * {@return this builder}
     *
     * @param user the user, when not in the URL (a Testcontainers container's {@code
     *     getUsername()})
     */
    public Builder user(String user) {
      this.user = requireNonNull(user, "null user");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param password the password, when not in the URL; never logged
     */
    public Builder password(String password) {
      this.password = requireNonNull(password, "null password");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param seeds what fills the snapshot, applied in order after those given before
     */
    public Builder seed(Seed... seeds) {
      for (Seed s : requireNonNull(seeds, "null seeds")) {
        this.seeds.add(requireNonNull(s, "null seed"));
      }
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param mode how copies are made; by default {@link SeedMode#TEMPLATE} when the user may
     *     create databases, else {@link SeedMode#RESET}
     */
    public Builder mode(SeedMode mode) {
      this.mode = requireNonNull(mode, "null mode");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param prefix the start of every database name, 1-30 of a-z, 0-9 and '_', starting with a
     *     letter; {@code avnseed} by default. Databases with this prefix whose JVM has ended are
     *     dropped by {@link #build()}, so give each unrelated suite its own.
     * @throws IllegalArgumentException if it does not match
     */
    public Builder prefix(String prefix) {
      requireNonNull(prefix, "null prefix");
      if (!PREFIX.matcher(prefix).matches()) {
        throw new IllegalArgumentException(
            "seeding prefix must be 1 to 30 of a-z, 0-9 and '_',"
                + " starting with a letter: '"
                + prefix
                + "'");
      }
      this.prefix = prefix;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param staleAfter age after which a copy made from another host (whose process cannot be
     *     checked) is dropped as a leftover; 24 hours by default
     * @throws IllegalArgumentException if not positive
     */
    public Builder staleAfter(Duration staleAfter) {
      requireNonNull(staleAfter, "null staleAfter");
      if (staleAfter.isNegative() || staleAfter.isZero()) {
        throw new IllegalArgumentException("staleAfter must be positive: " + staleAfter);
      }
      this.staleAfter = staleAfter;
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param clock the time source for leftover ages; the system UTC clock by default
     */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "null clock");
      return this;
    }

    /**
     * Drops the leftovers of dead JVMs, then captures the snapshot: creates its database (or, in
     * {@link SeedMode#RESET}, checks the URL's database is empty) and applies the seeds.
     *
     * @return the snapshot; close it to drop what it made
     * @throws IllegalStateException if no seed was given, or RESET is chosen with a URL that names
     *     no database
     * @throws BackupException if the server refuses, or a seed fails (nothing is left behind)
     */
    public DatabaseSnapshot build() {
      if (seeds.isEmpty()) {
        throw new IllegalStateException(
            "no seed: call seed(...) with migrations, SQL files, a"
                + " backup set or an archive before build()");
      }
      Server server = Server.of(jdbcUrl, user, password);
      SeedMode chosen =
          mode != null ? mode : server.canCreateDatabases() ? SeedMode.TEMPLATE : SeedMode.RESET;
      if (chosen == SeedMode.RESET) {
        if (server.database().isEmpty()) {
          throw new IllegalStateException(
              "mode RESET seeds the database the JDBC URL names, but "
                  + server
                  + " names none: add the database to the URL");
        }
        requireEmpty(server);
        return new DatabaseSnapshot(this, server, chosen, List.of());
      }
      List<String> leftovers = Leftovers.remove(server, prefix, staleAfter, clock);
      log.debug("capturing {} on {} ({})", Seed.describe(seeds), server, chosen);
      return new DatabaseSnapshot(this, server, chosen, leftovers);
    }

    private static void requireEmpty(Server server) {
      try (Connection c = server.admin();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM pg_class k JOIN pg_namespace n"
                      + " ON n.oid = k.relnamespace WHERE k.relkind IN ('r', 'p', 'v', 'm', 'S')"
                      + " AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
                      + " AND n.nspname !~ '^pg_(toast|temp_)'")) {
        rs.next();
        if (rs.getLong(1) > 0) {
          throw new BackupException(
              "database "
                  + server.database()
                  + " is not empty ("
                  + rs.getLong(1)
                  + " relations): mode RESET seeds the database the URL names and"
                  + " resets it after every test, so give it an empty database kept for tests");
        }
      } catch (SQLException e) {
        throw new BackupException("cannot inspect " + server + ": " + e.getMessage(), e);
      }
    }
  }
}
