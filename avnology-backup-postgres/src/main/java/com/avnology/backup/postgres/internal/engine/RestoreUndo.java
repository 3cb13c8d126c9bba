package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Undoes an in-place restore ({@link ArchiveRestore}) that failed or was stopped after it wrote:
 * every entry of the archive is dropped again, in reverse order (none existed before: the database
 * was empty), then the restore's {@link RestoreMarker}; the result says in one sentence what state
 * the database is in.
 */
final class RestoreUndo {
  private static final Logger log = LoggerFactory.getLogger(RestoreUndo.class);

  private RestoreUndo() {}

  /** What an undo left: a sentence for the message, and whether the database is as it was. */
  record Result(String state, boolean complete) {}

  /**
   * Drops every entry of the archive again (they did not exist before: the database was empty), on
   * the leader or, if it is gone (terminated, the failure itself), a new connection.
   */
  static Result undo(
      DataSource dataSource, Connection leader, RestorePlanner plan, boolean marked) {
    Connection c = usable(dataSource, leader);
    if (c == null) {
      return new Result(
          "the restore could not be undone (cannot connect): the database is partly"
              + " restored and marked as such; drop and recreate it",
          false);
    }
    try {
      List<TocEntry> reversed = new ArrayList<>(plan.all());
      Collections.reverse(reversed);
      int failed = 0;
      for (TocEntry e : reversed) {
        if (e.dropStmt() == null || e.dropStmt().isBlank() || isPublicSchema(e)) {
          continue;
        }
        if (!drop(c, DropStatements.ifExists(e.dropStmt()), e)) {
          failed++;
        }
      }
      if (failed > 0) {
        // a drop that failed may have gone with its parent (a partition's inherited constraint):
        // what counts is whether the database is empty again, as it was
        String left = leftOver(c);
        if (!left.isEmpty()) {
          return new Result(
              "undo failed for "
                  + failed
                  + " objects (the database still holds "
                  + left
                  + "): the database is partly restored"
                  + (marked ? " and marked as such" : "")
                  + "; drop and recreate it",
              false);
        }
      }
      return !marked || drop(c, "DROP SCHEMA IF EXISTS " + RestoreMarker.SCHEMA, null)
          ? new Result(
              "everything the restore created was dropped again, the database is as it" + " was",
              true)
          : new Result(
              "everything the restore created was dropped again, but not its marker"
                  + " schema "
                  + RestoreMarker.SCHEMA
                  + "; drop it",
              false);
    } finally {
      if (c != leader) {
        Connections.closeQuietly(c);
      }
    }
  }

  /** Drops the marker of a restore whose pre-data was rolled back (nothing else was written). */
  static Result dropMarker(DataSource dataSource, Connection leader, boolean marked) {
    if (!marked) {
      return new Result("nothing was written, the database is as it was", true);
    }
    Connection c = usable(dataSource, leader);
    boolean dropped = c != null && drop(c, "DROP SCHEMA IF EXISTS " + RestoreMarker.SCHEMA, null);
    if (c != null && c != leader) {
      Connections.closeQuietly(c);
    }
    return dropped
        ? new Result("pre-data runs in one transaction, so the database was left as it was", true)
        : new Result(
            "pre-data was rolled back, but the marker schema "
                + RestoreMarker.SCHEMA
                + " could not be dropped; drop it",
            false);
  }

  private static String leftOver(Connection c) {
    try {
      return EmptyCheck.userObjects(c);
    } catch (SQLException e) {
      return "(cannot tell: " + e.getMessage() + ")";
    }
  }

  /** Runs a drop in autocommit; a drop cancelled by a shutdown that came meanwhile is retried. */
  private static boolean drop(Connection c, String sql, TocEntry e) {
    for (int attempt = 0; attempt < 2; attempt++) {
      try (Statement s = c.createStatement()) {
        s.execute(sql);
        return true;
      } catch (SQLException ex) {
        if (!"57014".equals(ex.getSQLState()) || attempt == 1) {
          log.debug(
              "undo of {} failed: {}",
              e == null ? sql : ArchiveRestore.describe(e),
              ex.getMessage());
          return false;
        }
      }
    }
    return false;
  }

  /**
   * @return the leader if it still works, else a new connection, or null if none can be had
   */
  private static Connection usable(DataSource dataSource, Connection leader) {
    try {
      if (leader != null && !leader.isClosed() && leader.isValid(10)) {
        ArchiveRestore.autocommit(leader);
        return leader;
      }
    } catch (SQLException ignored) {
      // try a new one
    }
    try {
      Connection c = Connections.open(dataSource, "undoing the restore");
      c.setAutoCommit(true);
      return c;
    } catch (SQLException e) {
      log.warn("cannot connect to undo the restore: {}", e.getMessage());
      return null;
    }
  }

  static boolean isPublicSchema(TocEntry e) {
    return e.desc().equals("SCHEMA") && "public".equals(e.tag());
  }
}
