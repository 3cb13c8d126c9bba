package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * Loads a BLOBS entry ({@code _LoadLOs}): the contents of objects its BLOB entries created, all in
 * one transaction, as pg_restore does; each object streams through a fixed buffer, whatever its
 * size.
 */
final class LargeObjectLoad {
  private static final int CHUNK = 64 * 1024;

  private LargeObjectLoad() {}

  /**
   * @param c a restore connection: in autocommit mode when {@code ownTransaction}, left in a
   *     transaction to roll back on failure; else inside the caller's transaction
   * @param blobs the BLOBS entry
   * @param source the archive
   * @param ownTransaction whether the load commits a transaction of its own
   */
  static void load(Connection c, TocEntry blobs, ArchiveSource source, boolean ownTransaction)
      throws SQLException, IOException {
    if (ownTransaction) {
      c.setAutoCommit(false);
    }
    LargeObjectManager objects = c.unwrap(PGConnection.class).getLargeObjectAPI();
    byte[] buffer = new byte[CHUNK];
    source.largeObjects(
        blobs,
        (oid, in) -> {
          try (LargeObject lo = objects.open(oid, LargeObjectManager.WRITE)) {
            int n;
            while ((n = in.read(buffer)) > 0) {
              lo.write(buffer, 0, n);
            }
          }
        });
    if (ownTransaction) {
      c.commit();
    }
  }
}
