package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.RestoreMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** Restores an archive in the options' {@link RestoreMode}; finds unfinished restores. */
public final class DatabaseRestore {
  private DatabaseRestore() {}

  /**
   * {@return entries applied}
   *
   * @param dataSource the target database
   * @param jobs worker connections
   * @param options what and how
   * @param source the archive
   */
  public static int run(
      DataSource dataSource, int jobs, PostgresOptions options, ArchiveSource source) {
    return run(dataSource, jobs, options, source, RestoreProgress.NONE);
  }

  /**
   * {@return entries applied}
   *
   * @param dataSource the target database
   * @param jobs worker connections
   * @param options what and how
   * @param source the archive
   * @param progress told of entries and rows
   */
  public static int run(
      DataSource dataSource,
      int jobs,
      PostgresOptions options,
      ArchiveSource source,
      RestoreProgress progress) {
    return options.restoreMode() == RestoreMode.SWAP
        ? new SwapRestore(dataSource, jobs, options, progress).restore(source)
        : new ArchiveRestore(dataSource, jobs, options).progress(progress).restore(source);
  }

  /**
   * {@return reports of unfinished restores into it, and of what swap restores left on its server}
   *
   * @param dataSource the target database
   * @throws StorageException if it cannot be reached
   */
  public static List<String> unfinished(DataSource dataSource) {
    try (Connection c = Connections.open(dataSource, "checking for unfinished restores")) {
      List<String> found = new ArrayList<>();
      RestoreMarker.find(c).ifPresent(found::add);
      found.addAll(SwapRestore.leftovers(c));
      return found;
    } catch (SQLException e) {
      throw new StorageException("cannot check for unfinished restores: " + e.getMessage(), e);
    }
  }
}
