package com.avnology.backup.postgres.internal.migrate;

import com.avnology.backup.postgres.MigrationChangedException;
import com.avnology.backup.postgres.MigrationChangedException.Change;
import com.avnology.backup.postgres.MigrationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.internal.info.MigrationInfoImpl;

/**
 * Refuses applied (shipped) versioned migrations whose file changed, was renamed or was removed,
 * and migrations recorded as failed. Checksums are Flyway's own: CRC-32 over the file read line by
 * line ({@code BufferedReader.readLine}, so LF, CRLF and CR are the same) with the line terminators
 * left out and a leading byte-order mark dropped.
 */
public final class AppendOnlyGuard {
  private AppendOnlyGuard() {}

  /**
   * Checks that applied migrations are unchanged and none failed.
   *
   * @param all Flyway's {@code info().all()}
   * @param historyTable the schema history table, for messages
   * @throws MigrationChangedException if an applied migration no longer matches its file
   * @throws MigrationException if a migration is recorded as failed
   */
  public static void check(MigrationInfo[] all, String historyTable) {
    List<Change> changes = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    String latest = null;
    for (MigrationInfo i : all) {
      if (i.isVersioned() && i.getVersion() != null && i.isApplied()) {
        latest = i.getVersion().getVersion();
      }
    }
    for (MigrationInfo i : all) {
      if (i.isVersioned()
          && i.getVersion() != null
          && !i.isApplied()
          && i.getState() == MigrationState.IGNORED) {
        String v = i.getVersion().getVersion();
        changes.add(new Change(v, i.getScript(), null, i.getResolvedChecksum(), "inserted"));
        lines.add(
            "migration V"
                + v
                + " ("
                + i.getScript()
                + ") is new but its version is below"
                + " the latest applied ("
                + latest
                + "), so it would never run; give it a version"
                + " above "
                + latest);
        continue;
      }
      if (!i.isVersioned() || i.getVersion() == null || !i.isApplied()) {
        continue;
      }
      MigrationState state = i.getState();
      String v = i.getVersion().getVersion();
      String where =
          i.getPhysicalLocation() == null || i.getPhysicalLocation().isBlank()
              ? i.getScript()
              : i.getPhysicalLocation();
      if (state == MigrationState.FAILED
          || state == MigrationState.MISSING_FAILED
          || state == MigrationState.FUTURE_FAILED) {
        throw new MigrationException(
            "migration V"
                + v
                + " ("
                + i.getScript()
                + ") is recorded as failed in "
                + historyTable
                + " (it could not run in a"
                + " transaction, so its partial effects stay): undo what it did by hand, delete its"
                + " row (DELETE FROM "
                + historyTable
                + " WHERE version = '"
                + v
                + "' AND NOT success), then migrate again");
      }
      if (state == MigrationState.MISSING_SUCCESS) {
        changes.add(new Change(v, i.getScript(), i.getAppliedChecksum(), null, "removed"));
        lines.add(
            "migration V"
                + v
                + " ("
                + i.getScript()
                + ") was applied but its file is gone"
                + " from the locations; restore the file as shipped");
        continue;
      }
      if (i.getResolvedChecksum() == null && i.getResolvedDescription() == null) {
        continue; // future migration (applied by a newer release) or baseline
      }
      if (!Objects.equals(i.getAppliedChecksum(), i.getResolvedChecksum())) {
        changes.add(
            new Change(
                v, i.getScript(), i.getAppliedChecksum(), i.getResolvedChecksum(), "changed"));
        lines.add(
            "migration V"
                + v
                + " ("
                + where
                + ") changed after it was applied: recorded"
                + " checksum "
                + i.getAppliedChecksum()
                + ", current checksum "
                + i.getResolvedChecksum());
      } else if (resolvedDescription(i) != null
          && !Objects.equals(appliedDescription(i), resolvedDescription(i))) {
        changes.add(
            new Change(
                v, i.getScript(), i.getAppliedChecksum(), i.getResolvedChecksum(), "renamed"));
        lines.add(
            "migration V"
                + v
                + " ("
                + where
                + ") was renamed after it was applied:"
                + " recorded description '"
                + appliedDescription(i)
                + "', current '"
                + resolvedDescription(i)
                + "'");
      }
    }
    if (!changes.isEmpty()) {
      throw new MigrationChangedException(
          String.join("; ", lines)
              + ". Applied migrations are"
              + " append-only ("
              + historyTable
              + " records what ran): put the shipped file back"
              + " unchanged and write a new migration with a higher version for the change",
          changes);
    }
  }

  // MigrationInfo's get{Applied,Resolved}Description defaults both return getDescription()
  private static String appliedDescription(MigrationInfo i) {
    if (i instanceof MigrationInfoImpl impl && impl.getAppliedMigration() != null) {
      return impl.getAppliedMigration().getDescription();
    }
    return i.getAppliedDescription();
  }

  private static String resolvedDescription(MigrationInfo i) {
    if (i instanceof MigrationInfoImpl impl) {
      return impl.getResolvedMigration() == null
          ? null
          : impl.getResolvedMigration().getDescription();
    }
    return i.getResolvedDescription();
  }
}
