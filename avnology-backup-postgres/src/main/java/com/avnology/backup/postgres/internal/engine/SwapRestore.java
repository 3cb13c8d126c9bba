package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.BackupException;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.RestoreInterruptedException;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.RestoreMode;
import com.avnology.backup.postgres.internal.catalog.Identifiers;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RestoreMode#SWAP}: restores into a new database created beside the target one, then swaps
 * the two by renaming both in one transaction and drops the old one. Until the swap commits, the
 * target database is not touched; a failure or a shutdown drops the new database, and a killed
 * restore leaves it under a name and comment that the next swap restore reports and drops.
 */
final class SwapRestore {
  private static final Logger log = LoggerFactory.getLogger(SwapRestore.class);

  /** The comment that marks a new database until the swap. */
  static final String UNFINISHED = "avnology-backup: unfinished restore ";

  /** The comment that marks a replaced database that could not be dropped. */
  static final String REPLACED = "avnology-backup: replaced by the restore ";

  private final DataSource dataSource;
  private final int jobs;
  private final PostgresOptions options;
  private final RestoreProgress progress;

  SwapRestore(DataSource dataSource, int jobs, PostgresOptions options, RestoreProgress progress) {
    this.progress = progress;
    this.dataSource = dataSource;
    this.jobs = jobs;
    this.options = options.toBuilder().clean(false).restoreMode(RestoreMode.IN_PLACE).build();
  }

  int restore(ArchiveSource source) {
    try (ShutdownGuard guard = ShutdownGuard.install(source.describe())) {
      return restore(source, guard);
    }
  }

  private int restore(ArchiveSource source, ShutdownGuard guard) {
    DatabaseInfo live;
    try (Connection c = Connections.open(dataSource, "restore")) {
      live = DatabaseInfo.read(c);
      sweep(c, live.name());
    } catch (SQLException e) {
      throw new StorageException(
          "restore from " + source.describe() + " failed: " + e.getMessage(), e);
    }
    String suffix = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    String fresh = name(live.name(), "_avnrestore_" + suffix);
    String old = name(live.name(), "_avnreplaced_" + suffix);
    DataSource freshSource = DataSources.forDatabase(dataSource, fresh);
    DataSource maintenance = DataSources.maintenance(dataSource, live.name());
    try (Connection c = Connections.open(maintenance, "creating the new database")) {
      live.create(
          c,
          fresh,
          UNFINISHED
              + RestoreMarker.describe(source.describe())
              + " into database "
              + Identifiers.quote(live.name()));
    } catch (SQLException e) {
      throw new StorageException(
          "cannot create a new database "
              + fresh
              + " beside "
              + live.name()
              + " to restore into: "
              + e.getMessage()
              + "; swap needs the CREATEDB"
              + " privilege (or restore with clean, in one transaction, instead); the database "
              + live.name()
              + " is untouched",
          e);
    }
    boolean swapped = false;
    try {
      int entries =
          new ArchiveRestore(freshSource, jobs, options, guard, false)
              .progress(progress)
              .restore(source);
      if (guard.interrupted()) {
        throw new RestoreInterruptedException("stopped before the swap", true, null);
      }
      try (Connection c = Connections.open(maintenance, "swapping the databases")) {
        live.copyPropertiesTo(c, fresh);
        swap(c, live, fresh, old, source);
        swapped = true;
        log.info(
            "restored {} into a new database and swapped it in as {}",
            source.describe(),
            live.name());
        dropReplaced(c, old);
      }
      return entries;
    } catch (SQLException | RuntimeException e) {
      if (swapped) {
        throw e instanceof RuntimeException r ? r : new StorageException(e.getMessage(), e);
      }
      throw failed(source, live.name(), fresh, maintenance, guard, e);
    }
  }

  private static RuntimeException failed(
      ArchiveSource source,
      String live,
      String fresh,
      DataSource maintenance,
      ShutdownGuard guard,
      Exception e) {
    String state;
    try (Connection c = Connections.open(maintenance, "dropping the new database")) {
      dropDatabase(c, fresh);
      state = "the database " + live + " is untouched (the new database was dropped)";
    } catch (SQLException drop) {
      state =
          "the database "
              + live
              + " is untouched; the new database "
              + fresh
              + " could not be dropped ("
              + drop.getMessage()
              + "): drop it";
    }
    String message =
        "restore of "
            + source.describe()
            + " into a new database beside "
            + live
            + (guard.interrupted() ? " interrupted by a shutdown" : " failed")
            + ": "
            + e.getMessage()
            + "; "
            + state;
    if (guard.interrupted()) {
      guard.outcome(state);
      return new RestoreInterruptedException(message, true, e);
    }
    if (e instanceof IntegrityException) {
      return new IntegrityException(message, e);
    }
    return new BackupException(message, e);
  }

  /** Both renames in one transaction: the target name always names a whole database. */
  private static void swap(
      Connection c, DatabaseInfo live, String fresh, String old, ArchiveSource source)
      throws SQLException {
    c.setAutoCommit(false);
    try (Statement s = c.createStatement()) {
      s.execute(
          "ALTER DATABASE "
              + Identifiers.quote(live.name())
              + " RENAME TO "
              + Identifiers.quote(old));
      s.execute(
          "ALTER DATABASE "
              + Identifiers.quote(fresh)
              + " RENAME TO "
              + Identifiers.quote(live.name()));
      s.execute(
          "COMMENT ON DATABASE "
              + Identifiers.quote(live.name())
              + " IS "
              + (live.comment() == null ? "NULL" : RestoreMarker.literal(live.comment())));
      s.execute(
          "COMMENT ON DATABASE "
              + Identifiers.quote(old)
              + " IS "
              + RestoreMarker.literal(
                  REPLACED
                      + RestoreMarker.describe(source.describe())
                      + ": database "
                      + Identifiers.quote(live.name())
                      + " as it was before, replaced at "
                      + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                      + "; drop it when no longer"
                      + " needed"));
      c.commit();
    } catch (SQLException e) {
      try {
        c.rollback();
      } catch (SQLException ignored) {
        // the swap failure is what matters
      }
      if ("55006".equals(e.getSQLState())) {
        throw new SQLException(
            "the database "
                + live.name()
                + " has other sessions: "
                + otherSessions(c, live.name())
                + "; stop them (the application, psql, …) and"
                + " restore again",
            e.getSQLState(),
            e);
      }
      throw e;
    } finally {
      c.setAutoCommit(true);
    }
  }

  private static String otherSessions(Connection c, String database) {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*), string_agg(DISTINCT"
                    + " coalesce(nullif(application_name, ''), usename::text), ', ')"
                    + " FROM pg_catalog.pg_stat_activity WHERE datname = "
                    + RestoreMarker.literal(database))) {
      rs.next();
      return rs.getInt(1) + " (" + rs.getString(2) + ")";
    } catch (SQLException e) {
      return "(cannot list them: " + e.getMessage() + ")";
    }
  }

  private static void dropReplaced(Connection c, String old) {
    try {
      dropDatabase(c, old);
    } catch (SQLException e) {
      log.warn(
          "the restore is complete, but the replaced database {} could not be dropped: {};"
              + " drop it when no longer needed",
          old,
          e.getMessage());
    }
  }

  private static void dropDatabase(Connection c, String name) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + Identifiers.quote(name));
    }
  }

  /** Drops new databases that unfinished swap restores into this database left behind. */
  private static void sweep(Connection c, String live) throws SQLException {
    String into = " into database " + Identifiers.quote(live);
    for (String[] d : marked(c)) {
      if (d[1].startsWith(UNFINISHED) && d[1].endsWith(into)) {
        log.warn(
            "an unfinished restore {} was found in database {}: dropping it",
            d[1].substring(UNFINISHED.length()),
            d[0]);
        try {
          dropDatabase(c, d[0]);
        } catch (SQLException e) {
          log.warn("cannot drop {} (another restore may be using it): {}", d[0], e.getMessage());
        }
      }
    }
  }

  /**
   * @param c a connection to the target database
   * @return what unfinished swap restores into it, and swaps that replaced it, left on the server
   * @throws SQLException if the server refuses
   */
  static List<String> leftovers(Connection c) throws SQLException {
    String live = c.getCatalog();
    String into = " into database " + Identifiers.quote(live);
    String replaced = ": database " + Identifiers.quote(live) + " as it was before";
    List<String> found = new ArrayList<>();
    for (String[] d : marked(c)) {
      if (!d[1].endsWith(into) && !d[1].contains(replaced)) {
        continue;
      }
      if (d[1].startsWith(UNFINISHED)) {
        found.add(
            "an unfinished restore "
                + d[1].substring(UNFINISHED.length())
                + " was found in database "
                + d[0]
                + " (the next swap restore drops it)");
      } else {
        found.add("database " + d[0] + " was " + d[1].substring("avnology-backup: ".length()));
      }
    }
    return found;
  }

  private static List<String[]> marked(Connection c) throws SQLException {
    List<String[]> found = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT datname, pg_catalog.shobj_description(oid,"
                    + " 'pg_database') FROM pg_catalog.pg_database WHERE pg_catalog.shobj_description("
                    + "oid, 'pg_database') LIKE 'avnology-backup: %' ORDER BY datname")) {
      while (rs.next()) {
        found.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    }
    return found;
  }

  /** A database name of at most 63 bytes: the start of the target's name and a suffix. */
  static String name(String live, String suffix) {
    StringBuilder b = new StringBuilder();
    int bytes = suffix.length();
    for (int i = 0; i < live.length(); ) {
      int cp = live.codePointAt(i);
      int n =
          new String(Character.toChars(cp))
              .getBytes(java.nio.charset.StandardCharsets.UTF_8)
              .length;
      if (bytes + n > 63) {
        break;
      }
      b.appendCodePoint(cp);
      bytes += n;
      i += Character.charCount(cp);
    }
    return b + suffix;
  }
}
