package com.avnology.backup.postgres.internal.catalog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * The catalog's largest queries (relations, columns, indexes, comments: most of the server's time
 * in a catalog read), run ahead on a second connection on the same snapshot, while {@link
 * CatalogReader} reads the rest on its own; the reader then takes their results instead of running
 * them. A backup with worker connections has such a connection idle until the copying starts.
 *
 * <p>Who runs the queries ({@link #run}) does so on a connection in a transaction on the reader's
 * snapshot, with the reader's session settings ({@code CatalogReader.setUpSession}), and does not
 * use that connection again until {@link #await()} has returned. The reader waits for all of them
 * before it takes any (its reading of a result may use the connection), and runs a query itself
 * when its prefetch did not run ({@link #skip()}: no connection could be opened). A query that
 * failed fails the reader with the server's error, as it would have failed on the reader's own
 * connection. Thread-safe.
 */
public final class CatalogPrefetch {
  private final List<String> queries;
  private final CompletableFuture<Map<String, Object>> results = new CompletableFuture<>();
  private final Map<String, ResultSet> untaken = new HashMap<>(); // guarded by this

  private CatalogPrefetch(List<String> queries) {
    this.queries = queries;
  }

  /**
   * {@return the prefetch of a server's catalog}
   *
   * @param serverMajorVersion the server's major version, such as 15
   */
  public static CatalogPrefetch forServer(int serverMajorVersion) {
    return new CatalogPrefetch(
        List.of(
            RelationReader.relationsSql(),
            TableDefinition.columnsSql(serverMajorVersion * 10000),
            IndexReader.indexesSql(),
            CommentReader.commentsSql()));
  }

  /**
   * Runs the queries on {@code c}, on the calling thread; stops at the first that fails. Runs them
   * at most once; a second call, or one after {@link #skip()}, does nothing.
   *
   * @param c a connection on the reader's snapshot, with its session settings
   */
  public void run(Connection c) {
    if (results.isDone()) {
      return;
    }
    Map<String, Object> done = new HashMap<>();
    try {
      for (String sql : queries) {
        PreparedStatement ps = c.prepareStatement(sql);
        try {
          // read whole, whatever defaultRowFetchSize says: a cursor would be fetched from later, on
          // a connection that is copying tables by then
          ps.setFetchSize(0);
          done.put(sql, ps.executeQuery());
        } catch (SQLException e) {
          ps.close();
          done.put(sql, e);
          break;
        }
      }
    } catch (SQLException | RuntimeException e) {
      // prepareStatement on a closed connection: the reader runs the rest itself
    } finally {
      synchronized (this) {
        done.forEach(
            (sql, r) -> {
              if (r instanceof ResultSet rs) {
                untaken.put(sql, rs);
              }
            });
      }
      if (!results.complete(done)) {
        done.values().forEach(CatalogPrefetch::closeQuietly); // skipped meanwhile
      }
    }
  }

  /** The prefetch will not run: the reader runs every query itself. */
  public void skip() {
    results.complete(Map.of());
  }

  /** Waits until the prefetch has run or was skipped; the connection is then free again. */
  public void await() throws SQLException {
    results(); // its failures are the reader's to report
  }

  /**
   * Closes what the reader did not take. Call after {@link #await()}.
   *
   * @throws IllegalStateException if the prefetch is still running
   */
  public void closeUntaken() {
    if (!results.isDone()) {
      throw new IllegalStateException("the catalog prefetch is still running");
    }
    synchronized (this) {
      untaken.values().forEach(CatalogPrefetch::closeQuietly);
      untaken.clear();
    }
  }

  /**
   * {@return the result of {@code sql}, which the caller reads and closes with its statement, or
   * null if the reader is to run it itself}
   *
   * @throws SQLException the server's error for it
   */
  ResultSet take(String sql) throws SQLException {
    if (!queries.contains(sql)) {
      return null;
    }
    Object r = results().get(sql);
    if (r == null) {
      return null; // skipped, or not reached after a failure
    }
    if (r instanceof SQLException e) {
      throw new SQLException(e.getMessage(), e.getSQLState(), e);
    }
    synchronized (this) {
      return untaken.remove(sql);
    }
  }

  /** {@return whether every query ran ahead and the reader took every result} */
  synchronized boolean allTaken() {
    Map<String, Object> r = results.getNow(Map.of());
    return untaken.isEmpty() && queries.stream().allMatch(q -> r.get(q) instanceof ResultSet);
  }

  private Map<String, Object> results() throws SQLException {
    try {
      return results.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("interrupted while waiting for the catalog queries", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause()); // never completed exceptionally
    }
  }

  private static void closeQuietly(Object r) {
    if (r instanceof ResultSet rs) {
      try {
        Statement s = rs.getStatement();
        rs.close();
        if (s != null) {
          s.close();
        }
      } catch (SQLException ignored) {
        // its connection is closed with the backup's
      }
    }
  }
}
