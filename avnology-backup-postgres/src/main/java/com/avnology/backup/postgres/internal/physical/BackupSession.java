package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.BackupException;
import com.avnology.backup.StorageException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A non-exclusive physical backup on one connection, held open from start to stop (closing it
 * aborts the backup on the server). PostgreSQL 15+ names the functions {@code pg_backup_start} and
 * {@code pg_backup_stop}; 13 and 14 {@code pg_start_backup} and {@code pg_stop_backup}. Not
 * thread-safe.
 */
public final class BackupSession implements AutoCloseable {
  private final Connection connection;
  private final int version;
  private final long segmentSize;
  private final long systemIdentifier;

  /** What {@code pg_backup_stop} returned. */
  public record Stop(long lsn, String backupLabel, String tablespaceMap) {}

  private BackupSession(Connection connection) throws SQLException {
    this.connection = connection;
    this.version = Integer.parseInt(query("SHOW server_version_num"));
    this.segmentSize =
        Long.parseLong(
            query(
                "SELECT setting::bigint * CASE unit WHEN 'B' THEN 1 WHEN 'kB' THEN 1024 WHEN 'MB'"
                    + " THEN 1048576 ELSE 1 END FROM pg_settings WHERE name = 'wal_segment_size'"));
    this.systemIdentifier =
        Long.parseLong(query("SELECT system_identifier FROM pg_control_system()"));
  }

  /**
   * {@return a session on a new connection}
   *
   * @param dataSource the server's
   */
  public static BackupSession open(DataSource dataSource) {
    Connection c = null;
    try {
      c = dataSource.getConnection();
      c.setAutoCommit(true);
      return new BackupSession(c);
    } catch (SQLException e) {
      closeQuietly(c);
      throw new BackupException("cannot connect for a physical backup: " + e.getMessage(), e);
    }
  }

  /** {@return the server's version number, such as 170002} */
  public int version() {
    return version;
  }

  /** {@return wal_segment_size in bytes} */
  public long segmentSize() {
    return segmentSize;
  }

  /** {@return the cluster's system identifier} */
  public long systemIdentifier() {
    return systemIdentifier;
  }

  /**
   * Refuses a directory that is not this server's data directory.
   *
   * @param dataDirectory the directory to copy
   * @throws BackupException naming both identifiers if they differ
   */
  public void checkDataDirectory(Path dataDirectory) {
    Path control = dataDirectory.resolve("global").resolve("pg_control");
    long onDisk;
    try {
      byte[] head = new byte[8];
      try (var in = Files.newInputStream(control)) {
        if (in.readNBytes(head, 0, 8) != 8) {
          throw new IOException("shorter than 8 bytes");
        }
      }
      onDisk = ByteBuffer.wrap(head).order(ByteOrder.nativeOrder()).getLong();
    } catch (NoSuchFileException e) {
      throw new BackupException(
          dataDirectory
              + " is not a PostgreSQL data directory (no"
              + " global/pg_control): give the directory of the server the data source connects to");
    } catch (IOException e) {
      throw new StorageException(
          "cannot read "
              + control
              + ": "
              + e
              + "; the backup needs read access to the whole data directory",
          e);
    }
    if (onDisk != systemIdentifier) {
      throw new BackupException(
          dataDirectory
              + " is not the data directory of the server the"
              + " data source connects to: its system identifier is "
              + Long.toUnsignedString(onDisk)
              + ", the server's "
              + Long.toUnsignedString(systemIdentifier)
              + " (SHOW data_directory"
              + " names the right one)");
    }
  }

  /**
   * {@return the start LSN}
   *
   * @param label the backup's label
   */
  public long start(String label) throws SQLException {
    String sql =
        version >= 150000
            ? "SELECT pg_backup_start(?, true)::text"
            : "SELECT pg_start_backup(?, true, false)::text";
    try (PreparedStatement ps = connection.prepareStatement(sql)) {
      ps.setString(1, label);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return WalNames.parseLsn(rs.getString(1));
      }
    }
  }

  /**
   * Stops the backup; the server then switches to a new segment, so the stop segment is complete.
   *
   * @return the stop LSN, backup_label and tablespace_map
   */
  public Stop stop() throws SQLException {
    String sql =
        version >= 150000
            ? "SELECT lsn::text, labelfile, spcmapfile FROM pg_backup_stop(false)"
            : "SELECT lsn::text, labelfile, spcmapfile FROM pg_stop_backup(false, false)";
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      String map = rs.getString(3);
      return new Stop(WalNames.parseLsn(rs.getString(1)), rs.getString(2), map == null ? "" : map);
    }
  }

  private String query(String sql) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Override
  public void close() {
    closeQuietly(connection);
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // the server aborts the backup when the connection goes
      }
    }
  }
}
