package com.avnology.backup.postgres;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupSink;
import com.avnology.backup.Encryption;
import com.avnology.backup.Manifest;
import com.avnology.backup.NotFoundException;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.SetRestorePlan;
import com.avnology.backup.StorageException;
import com.avnology.backup.VolumeTarget;
import com.avnology.backup.postgres.internal.engine.Connections;
import com.avnology.backup.postgres.internal.engine.ScratchDatabases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The restore most teams never try until they need it: a set's databases restored into scratch
 * databases on a server of your choice, its volumes into a scratch directory, and the built-in
 * healthcheck run on them (every table's row count and content digest as the backup recorded them,
 * every volume's files and bytes); then the scratch copies are dropped, whatever happened. A set
 * whose stored rows differ from what the backup read fails, even when every artifact's hash
 * matches. Buckets are checked by their artifacts' hashes only (nothing is written to S3).
 *
 * <pre>{@code
 * RestoreResult r = TestRestore.builder(sink).scratchServer(dataSource).build().run();   // latest set
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class TestRestore {
  private static final Logger log = LoggerFactory.getLogger(TestRestore.class);

  private final BackupSink sink;
  private final String setId;
  private final Encryption encryption;
  private final DataSource server;
  private final Path workDirectory;

  private TestRestore(Builder b) {
    this.sink = b.sink;
    this.setId = b.setId;
    this.encryption = b.encryption;
    this.server = b.server;
    this.workDirectory = b.workDirectory;
  }

  /**
   * {@return a builder of a test restore of the newest set there, unless told otherwise}
   *
   * @param sink where the sets are
   */
  public static Builder builder(BackupSink sink) {
    return new Builder(requireNonNull(sink, "null sink"));
  }

  /**
   * {@return the restore and its checks, all passed}
   *
   * @throws BackupException if the restore or a check fails (the message names it); the scratch
   *     copies are dropped either way
   * @throws IllegalStateException if the set has databases and no scratch server was given
   */
  public RestoreResult run() {
    BackupCatalog catalog =
        encryption == null
            ? BackupCatalog.of(sink)
            : BackupCatalog.builder(sink).encryption(encryption).build();
    String id =
        setId != null
            ? setId
            : catalog
                .latest()
                .orElseThrow(() -> new NotFoundException("no set in " + sink + " to test"));
    Manifest manifest = catalog.manifest(id);
    SetRestorePlan.Builder plan = SetRestorePlan.builder(sink).set(id).healthcheck();
    if (encryption != null) {
      plan.encryption(encryption);
    }
    List<String> scratch = new ArrayList<>();
    Path dir = null;
    try {
      for (Manifest.Target t : manifest.targets()) {
        if (t.kind().equals(PostgresTarget.KIND)) {
          if (server == null) {
            throw new IllegalStateException(
                "set "
                    + id
                    + " holds the database "
                    + t.name()
                    + ": give scratchServer(dataSource) to restore it into a scratch database");
          }
          String db =
              "avnology_test_restore_" + Long.toHexString(System.nanoTime()) + "_" + scratch.size();
          create(db);
          scratch.add(db);
          plan.target(
              PostgresTarget.builder(ScratchDatabases.forDatabase(server, db))
                  .name(t.name())
                  .build());
        } else if (t.kind().equals(VolumeTarget.KIND)) {
          if (dir == null) {
            dir =
                Files.createTempDirectory(
                    workDirectory != null
                        ? workDirectory
                        : Path.of(System.getProperty("java.io.tmpdir")),
                    "avnology-test-restore");
          }
          plan.target(VolumeTarget.of(t.name(), dir.resolve(t.name())));
        }
      }
      RestoreResult r = plan.build().execute();
      log.info("test restore of set {}: {}", id, r.checks());
      return r;
    } catch (IOException e) {
      throw new StorageException("cannot create a scratch directory: " + e, e);
    } finally {
      for (String db : scratch) {
        drop(db);
      }
      if (dir != null) {
        deleteTree(dir);
      }
    }
  }

  private void create(String db) {
    try (Connection c = Connections.open(server, "creating a scratch database");
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + db + " TEMPLATE template0");
    } catch (SQLException e) {
      throw new BackupException(
          "cannot create the scratch database "
              + db
              + ": "
              + e.getMessage()
              + " (the scratch server's role needs CREATEDB)",
          e);
    }
  }

  private void drop(String db) {
    try (Connection c = Connections.open(server, "dropping a scratch database");
        Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
    } catch (SQLException e) {
      log.warn("cannot drop the scratch database {}: {}; drop it by hand", db, e.getMessage());
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      log.warn("cannot delete the scratch directory {}: {}", dir, e.toString());
    }
  }

  @Override
  public String toString() {
    return "TestRestore[" + sink + ", " + (setId == null ? "latest" : setId) + "]";
  }

  /** Collects a test restore's settings. Not thread-safe. */
  public static final class Builder {
    private final BackupSink sink;
    private String setId;
    private Encryption encryption;
    private DataSource server;
    private Path workDirectory;

    private Builder(BackupSink sink) {
      this.sink = sink;
    }

    /**
     * {@return this builder}
     *
     * @param setId the set to try instead of the newest
     */
    public Builder set(String setId) {
      this.setId = requireNonNull(setId, "null setId");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param encryption the key of an encrypted set
     */
    public Builder encryption(Encryption encryption) {
      this.encryption = requireNonNull(encryption, "null encryption");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param dataSource any database of the server to create the scratch databases on (a PgJDBC
     *     data source; its role needs CREATEDB); never the production server's live database
     *     itself, which stays untouched all the same
     */
    public Builder scratchServer(DataSource dataSource) {
      this.server = requireNonNull(dataSource, "null dataSource");
      return this;
    }

    /**
     * {@return this builder}
     *
     * @param directory where volumes are restored to (under a new directory, deleted afterwards);
     *     default {@code java.io.tmpdir}
     */
    public Builder workDirectory(Path directory) {
      this.workDirectory = requireNonNull(directory, "null directory");
      return this;
    }

    /** {@return the test restore; the builder stays usable} */
    public TestRestore build() {
      return new TestRestore(this);
    }
  }
}
