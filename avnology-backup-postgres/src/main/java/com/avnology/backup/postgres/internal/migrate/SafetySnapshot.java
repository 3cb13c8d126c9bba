package com.avnology.backup.postgres.internal.migrate;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.MigrationException;
import com.avnology.backup.postgres.PostgresTarget;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backup of the whole database taken before migrating, and its restore after a failed migration.
 * Restore first empties the database (every user object, including those the failed migration
 * added: {@link DatabaseEmptier}) in one transaction, then restores the snapshot with the Postgres
 * engine into the emptied database, then puts back the public schema's owner, comment and
 * privileges. The database keeps its name and the caller's pools stay valid.
 */
public final class SafetySnapshot {
  private static final Logger log = LoggerFactory.getLogger(SafetySnapshot.class);

  private final DataSource dataSource;
  private final Path directory;
  private final String setId;
  private final DatabaseEmptier.PublicSchema publicSchema;

  private SafetySnapshot(
      DataSource ds, Path directory, String setId, DatabaseEmptier.PublicSchema publicSchema) {
    this.dataSource = ds;
    this.directory = directory;
    this.setId = setId;
    this.publicSchema = publicSchema;
  }

  /**
   * {@return the snapshot taken}
   *
   * @param ds the database
   * @param directory the file-system sink's root
   */
  public static SafetySnapshot take(DataSource ds, Path directory) {
    DatabaseEmptier.PublicSchema pub;
    try (Connection c = ds.getConnection()) {
      pub = DatabaseEmptier.publicSchema(c);
    } catch (SQLException e) {
      throw new MigrationException(
          "cannot read the database before the safety snapshot: " + e.getMessage(), e);
    }
    String id;
    try {
      id =
          Backup.builder()
              .target(PostgresTarget.builder(ds).build())
              .sink(FileSystemSink.of(directory))
              .build()
              .run()
              .setId();
    } catch (RuntimeException e) {
      throw new MigrationException(
          "safety snapshot into "
              + directory
              + " failed, nothing was"
              + " migrated: "
              + e.getMessage()
              + "; fix the snapshot directory or migrate without"
              + " safetySnapshot()",
          e);
    }
    log.info("safety snapshot {} taken in {}", id, directory);
    return new SafetySnapshot(ds, directory, id, pub);
  }

  /** {@return the snapshot's backup set id} */
  public String setId() {
    return setId;
  }

  /**
   * Puts the database back exactly as it was when the snapshot was taken.
   *
   * @throws MigrationException if emptying or restoring fails; the message says how to restore by
   *     hand
   */
  public void restore() {
    String manual =
        "; restore by hand: RestorePlan.builder(FileSystemSink.of("
            + directory
            + ")).set(\""
            + setId
            + "\").target(PostgresTarget.builder(ds).clean().build())";
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(false);
      try {
        int n = DatabaseEmptier.empty(c);
        c.commit();
        log.info("safety snapshot restore: dropped {} objects", n);
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      } finally {
        c.setAutoCommit(true);
      }
    } catch (SQLException e) {
      throw new MigrationException(
          "cannot empty the database before restoring safety snapshot "
              + setId
              + ": "
              + e.getMessage()
              + manual,
          e);
    }
    try {
      RestorePlan.builder(FileSystemSink.of(directory))
          .set(setId)
          .target(PostgresTarget.builder(dataSource).clean().build())
          .build()
          .execute();
    } catch (RuntimeException e) {
      throw new MigrationException(
          "restoring safety snapshot "
              + setId
              + " from "
              + directory
              + " failed, the database may be empty: "
              + e.getMessage()
              + manual,
          e);
    }
    try (Connection c = dataSource.getConnection()) {
      DatabaseEmptier.resetPublicSchema(c, publicSchema);
    } catch (SQLException e) {
      throw new MigrationException(
          "safety snapshot "
              + setId
              + " restored, but the public"
              + " schema's owner, comment or privileges could not be put back: "
              + e.getMessage(),
          e);
    }
  }
}
