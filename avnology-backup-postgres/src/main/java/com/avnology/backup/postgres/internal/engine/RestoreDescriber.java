package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The dry run of a database restore: what it would write where, and what it would replace. */
public final class RestoreDescriber {
  private RestoreDescriber() {}

  /**
   * {@return one sentence}
   *
   * @param dataSource the target database; only read
   * @param jobs worker connections
   * @param options the restore's options
   * @param source the archive
   */
  public static String describe(
      DataSource dataSource, int jobs, PostgresOptions options, ArchiveSource source) {
    List<TocEntry> entries;
    try {
      entries = source.toc().entries();
    } catch (IOException e) {
      return "(the archive's table of contents cannot be read: " + e.getMessage() + ")";
    }
    List<TocEntry> tables = entries.stream().filter(e -> e.desc().equals("TABLE")).toList();
    try (Connection c = Connections.open(dataSource, "describing the restore")) {
      String db = c.getCatalog();
      String held = EmptyCheck.userObjects(c);
      String unfinished = RestoreMarker.find(c).map(m -> "; " + m).orElse("");
      String archive = entries.size() + " archive entries (" + tables.size() + " tables)";
      return "database "
          + db
          + ": "
          + switch (options.restoreMode()) {
            case SWAP ->
                "replaced as a whole"
                    + (held.isEmpty() ? "" : " (it holds " + held + "…)")
                    + " by a new database restored beside it from "
                    + archive
                    + " on "
                    + jobs
                    + " connections, swapped in at the end; the old one is dropped";
            case SINGLE_TRANSACTION ->
                options.clean()
                    ? "replaces, in one transaction, "
                        + existing(c, tables)
                        + "; everything else in it"
                        + " is kept; "
                        + archive
                        + " restored on one connection"
                    : refusedOrEmpty(held, archive + " restored in one transaction");
            case IN_PLACE ->
                refusedOrEmpty(
                    held,
                    archive
                        + " restored in place on "
                        + jobs
                        + " connections; a failure drops them again");
          }
          + unfinished;
    } catch (SQLException e) {
      return "(the database cannot be inspected: " + e.getMessage() + ")";
    }
  }

  private static String refusedOrEmpty(String held, String what) {
    return held.isEmpty()
        ? "empty; " + what
        : "not empty (it holds "
            + held
            + "…): the restore would be refused; --clean replaces"
            + " the archive's objects, --swap the whole database";
  }

  /**
   * @return which of the archive's tables exist in the database, with their rows
   */
  private static String existing(Connection c, List<TocEntry> tables) throws SQLException {
    List<String> found = new ArrayList<>();
    long rows = 0;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT greatest(c.reltuples, 0)::bigint"
                + " FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                + " ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
      for (TocEntry t : tables) {
        ps.setString(1, t.namespace());
        ps.setString(2, t.tag());
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            found.add(t.namespace() + "." + t.tag());
            rows += rs.getLong(1);
          }
        }
      }
    }
    if (found.isEmpty()) {
      return "none of the archive's " + tables.size() + " tables (none exists)";
    }
    return "the "
        + found.size()
        + " of the archive's "
        + tables.size()
        + " tables that exist,"
        + " dropping about "
        + rows
        + " rows ("
        + String.join(", ", found.subList(0, Math.min(5, found.size())))
        + (found.size() > 5 ? ", …" : "")
        + ") and the archive's"
        + " other objects";
  }
}
