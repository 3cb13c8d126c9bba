package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.BackupContext;
import com.avnology.backup.Compression;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * Large-object contents in pg_dump's directory layout: {@code blob_<oid>.dat} per object (with the
 * compression suffix) and {@code blobs.toc} listing {@code <oid> blob_<oid>.dat}, uncompressed.
 * Each object streams through a fixed buffer, whatever its size.
 */
final class LargeObjectCopy {
  static final String TOC = "blobs.toc";
  static final int CHUNK = 64 * 1024;

  private LargeObjectCopy() {}

  /**
   * {@return the number of objects copied}
   *
   * @param c a connection inside the dump's snapshot transaction, which reads the objects as of it
   * @param entries the catalog's entries; their BLOB entries name the objects
   * @param name the target's name, the artifacts' directory
   * @param suffix the compression's file suffix, such as {@code .gz}
   */
  static int copy(
      Connection c,
      List<TocEntry> entries,
      String name,
      BackupContext context,
      Compression compression,
      String suffix)
      throws SQLException, IOException {
    List<String> oids =
        entries.stream().filter(e -> e.desc().equals("BLOB")).map(TocEntry::oid).toList();
    if (oids.isEmpty()) {
      return 0;
    }
    LargeObjectManager objects = c.unwrap(PGConnection.class).getLargeObjectAPI();
    byte[] buffer = new byte[CHUNK];
    try (OutputStream toc =
        new BufferedOutputStream(context.artifact(name + "/" + TOC, Compression.Algorithm.NONE))) {
      for (String oid : oids) {
        String file = "blob_" + oid + ".dat";
        try (OutputStream out =
                new BufferedOutputStream(
                    compression.compress(
                        context.artifact(name + "/" + file + suffix, compression.algorithm())),
                    CHUNK);
            LargeObject lo = objects.open(Long.parseLong(oid), LargeObjectManager.READ)) {
          int n;
          while ((n = lo.read(buffer, 0, buffer.length)) > 0) {
            out.write(buffer, 0, n);
          }
        } catch (SQLException e) {
          throw new SQLException(
              "copying large object " + oid + " failed: " + e.getMessage(), e.getSQLState(), e);
        }
        toc.write((oid + " " + file + "\n").getBytes(StandardCharsets.US_ASCII));
        context.entriesDone(1);
      }
    }
    return oids.size();
  }
}
