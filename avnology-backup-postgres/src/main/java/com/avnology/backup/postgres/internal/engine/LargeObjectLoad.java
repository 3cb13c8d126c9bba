package com.avnology.backup.postgres.internal.engine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * Loads a BLOBS entry of a directory archive ({@code _LoadLOs}): each line of its
 * {@code blobs.toc} names an object, which the entry's BLOB entry created, and the file holding its
 * contents. All of them in one transaction, as pg_restore does; each object streams through a
 * fixed buffer, whatever its size.
 */
final class LargeObjectLoad {
  private static final int CHUNK = 64 * 1024;

  private LargeObjectLoad() {}

  /**
   * @param c a restore connection in autocommit mode; left in a transaction to commit or roll back
   *     on failure
   * @param toc the entry's data file ({@code blobs.toc})
   * @param source the archive, not transcoded
   */
  static void load(Connection c, String toc, ArchiveSource source)
      throws SQLException, IOException {
    c.setAutoCommit(false);
    LargeObjectManager objects = c.unwrap(PGConnection.class).getLargeObjectAPI();
    byte[] buffer = new byte[CHUNK];
    try (BufferedReader lines = new BufferedReader(
        new InputStreamReader(source.openData(toc), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.strip().split(" ", 2);
        long oid;
        try {
          oid = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
          throw new IOException("invalid line in large-object TOC " + toc + ": " + line, e);
        }
        if (parts.length < 2 || parts[1].contains("/")) {
          throw new IOException("invalid line in large-object TOC " + toc + ": " + line);
        }
        try (InputStream in = source.openData(parts[1]);
            LargeObject lo = objects.open(oid, LargeObjectManager.WRITE)) {
          int n;
          while ((n = in.read(buffer)) > 0) {
            lo.write(buffer, 0, n);
          }
        }
      }
    }
    c.commit();
  }
}
