package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A physical base backup between start and stop: the tree copied in parts, then the backup label,
 * tablespace map, control file and the WAL from start to stop into the first part, and the facts
 * into the manifest. Stateless.
 */
public final class PhysicalBackup {
  private static final Logger log = LoggerFactory.getLogger(PhysicalBackup.class);

  private PhysicalBackup() {}

  /**
   * Copies the data directory.
   *
   * @param session the open backup session
   * @param dataDirectory the server's data directory
   * @param copy where the files go
   * @param context the backup's
   */
  public static void copy(
      BackupSession session, Path dataDirectory, ParallelCopy copy, BackupContext context)
      throws IOException, SQLException {
    Instant started = Instant.now();
    long start = session.start("avnology-backup " + context.setId());
    log.info("physical backup of {} started at {}", dataDirectory, WalNames.formatLsn(start));
    copy.tree(DataDirectoryScan.scan(dataDirectory));
    BackupSession.Stop stop = session.stop();
    PartTar tail = copy.tail();
    copy.add(tail.text("backup_label", stop.backupLabel()));
    if (!stop.tablespaceMap().isEmpty()) {
      // in the set, not in the list: a restore makes the links itself, remapped if asked
      tail.text("tablespace_map", stop.tablespaceMap());
      context.metadata("tablespace_map", stop.tablespaceMap());
    }
    FileEntry control =
        tail.file(dataDirectory.resolve(DataDirectoryScan.CONTROL), DataDirectoryScan.CONTROL);
    if (control == null) {
      throw new BackupException(dataDirectory + " lost global/pg_control during the backup");
    }
    copy.add(control);
    int timeline = timeline(stop.backupLabel());
    List<String> segments = WalNames.range(timeline, start, stop.lsn(), session.segmentSize());
    for (String segment : segments) {
      FileEntry wal =
          tail.file(dataDirectory.resolve("pg_wal").resolve(segment), "pg_wal/" + segment);
      if (wal == null) {
        throw new BackupException(
            "WAL segment "
                + segment
                + " that the backup needs was removed"
                + " from pg_wal before it could be copied: raise wal_keep_size and run it again");
      }
      copy.add(wal);
    }
    copy.finish();
    context.metadata("start_lsn", WalNames.formatLsn(start));
    context.metadata("stop_lsn", WalNames.formatLsn(stop.lsn()));
    context.metadata("timeline", Integer.toString(timeline));
    context.metadata("start_time", started.toString());
    context.metadata("stop_time", Instant.now().toString());
    context.metadata("wal_first", segments.get(0));
    context.metadata("wal_last", segments.get(segments.size() - 1));
    context.metadata("system_identifier", Long.toUnsignedString(session.systemIdentifier()));
    context.metadata("server_version_num", Integer.toString(session.version()));
    context.metadata("files", Long.toString(copy.storedFiles() + copy.referencedFiles()));
    context.metadata("bytes", Long.toString(copy.storedBytes() + copy.referencedBytes()));
    context.metadata("files_stored", Long.toString(copy.storedFiles()));
    context.metadata("bytes_stored", Long.toString(copy.storedBytes()));
    context.metadata("files_referenced", Long.toString(copy.referencedFiles()));
    context.metadata("bytes_referenced", Long.toString(copy.referencedBytes()));
    context.metadata("parts", Integer.toString(copy.parts()));
    log.info(
        "physical backup of {} stopped at {}: {} files ({} bytes) copied in {} parts, {}"
            + " ({} bytes) unchanged since the parent, WAL {}..{}",
        dataDirectory,
        WalNames.formatLsn(stop.lsn()),
        copy.storedFiles(),
        copy.storedBytes(),
        copy.parts(),
        copy.referencedFiles(),
        copy.referencedBytes(),
        segments.get(0),
        segments.get(segments.size() - 1));
  }

  private static int timeline(String backupLabel) {
    for (String line : backupLabel.split("\n")) {
      if (line.startsWith("START TIMELINE: ")) {
        return Integer.parseInt(line.substring("START TIMELINE: ".length()).trim());
      }
    }
    throw new BackupException(
        "backup_label from the server has no START TIMELINE line:\n" + backupLabel);
  }
}
