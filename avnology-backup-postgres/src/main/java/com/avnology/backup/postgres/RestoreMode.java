package com.avnology.backup.postgres;

/**
 * How a database restore protects what was in the database before it: whatever fails, and whatever
 * stops the process, a restore never leaves the destination without its old data and without the
 * new.
 *
 * <table>
 *   <caption>What each mode guarantees and costs</caption>
 *   <tr><th>mode</th><th>parallel</th><th>failure, SIGINT/SIGTERM</th><th>SIGKILL, crash</th>
 *       <th>needs</th></tr>
 *   <tr><td>{@link #IN_PLACE}</td><td>yes ({@code jobs})</td><td>undone: the database is empty
 *       again</td><td>a marker schema names the unfinished restore; the next restore and
 *       {@code unfinishedRestores()} report it</td><td>an empty database</td></tr>
 *   <tr><td>{@link #SINGLE_TRANSACTION}</td><td>no</td><td>rolled back</td><td>rolled back by the
 *       server</td><td>locks on every object until the end (and enough
 *       {@code max_locks_per_transaction})</td></tr>
 *   <tr><td>{@link #SWAP}</td><td>yes ({@code jobs})</td><td>the live database is untouched, the
 *       new one dropped</td><td>the live database is untouched; the new one is left under a marked
 *       name, reported and dropped by the next swap</td><td>CREATE DATABASE, room for a second
 *       copy, no other sessions on the live database at the moment of the swap</td></tr>
 * </table>
 */
public enum RestoreMode {
  /**
   * Into an empty database, on {@code jobs} connections, each table committed as it loads; any
   * failure or shutdown drops everything again. The default without {@code clean()}. Refused with
   * {@code clean()}: dropping the old objects first and loading in several transactions would lose
   * them if the restore stopped half-way.
   */
  IN_PLACE,

  /**
   * Everything (the drops of {@code clean()}, the schema, the data, indexes, grants) in one
   * transaction on one connection, as {@code pg_restore --single-transaction}: until it commits,
   * other sessions see the old database, and whatever stops it, the server rolls it back. The
   * default with {@code clean()}. Serial, so slower than the parallel modes on large databases.
   */
  SINGLE_TRANSACTION,

  /**
   * Into a new database created beside the target one (same encoding and locale), on {@code jobs}
   * connections; the database's owner, grants, settings and comment are copied over, then the two
   * are swapped by renaming both in one transaction and the old one is dropped. The target database
   * is replaced as a whole (objects the archive does not hold go too), whatever {@code clean()}
   * says. Needs a PgJDBC data source (or a JDBC URL) to reach the new database, the CREATEDB
   * privilege, a maintenance database ({@code postgres} or {@code template1}) to rename from, and
   * no other sessions on the target database when the swap happens.
   */
  SWAP
}
