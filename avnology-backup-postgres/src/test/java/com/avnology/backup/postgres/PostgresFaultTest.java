package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupException;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
import com.avnology.backup.Encryption;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.KeyException;
import com.avnology.backup.KeySource;
import com.avnology.backup.Manifest;
import com.avnology.backup.Progress;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damage to Postgres artifacts (toc.dat, .dat.gz, .dat.zst; {@value #TRIALS} flips and {@value
 * #TRIALS} truncations each) is caught by verify and by restore before anything is written; a
 * backup whose connection is terminated mid-copy publishes nothing, and the next one succeeds.
 */
final class PostgresFaultTest {
  static final int TRIALS = 100;
  static final int RESTORE_EVERY = 10;
  static final byte[] KEY = new byte[32];

  static {
    new Random(13).nextBytes(KEY);
  }

  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} encrypted={1} {2}")
  @CsvSource({
    "gzip:6, false, toc",
    "gzip:6, false, data",
    "zstd:3, true, toc",
    "zstd:3, true, data",
    "zstd:3, false, data"
  })
  void flipsAndTruncations_allDetectedBeforeAnythingIsRestored(
      String compression, boolean encrypted, String which) throws Exception {
    String source = Fidelity.createAllKindsDatabase("src");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Encryption enc = encrypted ? Encryption.aes256Gcm(KeySource.raw(KEY)) : null;
    BackupResult result =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .compression(Compression.parse(compression))
            .encryption(enc)
            .build()
            .run();
    String suffix = Compression.parse(compression).suffix();
    Manifest.Artifact victim =
        result.targets().get(0).artifacts().stream()
            .filter(
                a ->
                    which.equals("toc")
                        ? a.path().endsWith("/toc.dat")
                        : a.path().endsWith(".dat" + suffix))
            .max(Comparator.comparingLong(Manifest.Artifact::size))
            .orElseThrow();
    Path file = sink.root().resolve("sets/" + result.setId() + "/" + victim.path());
    byte[] pristine = Files.readAllBytes(file);
    String target = EmbeddedPg.createDatabase("dst");
    String cleanTarget = EmbeddedPg.createDatabase("dstclean");
    exec(cleanTarget, "CREATE TABLE keep_me (id int); INSERT INTO keep_me VALUES (1)");
    Map<String, String> cleanSchema = Fidelity.catalogSnapshot(EmbeddedPg.dataSource(cleanTarget));
    Random random = new Random(99);
    List<String> undetected = new ArrayList<>();

    for (int t = 0; t < 2 * TRIALS; t++) {
      byte[] damaged;
      String what;
      if (t < TRIALS) {
        int bit = random.nextInt(pristine.length * 8);
        damaged = pristine.clone();
        damaged[bit / 8] ^= (byte) (1 << (bit % 8));
        what = "flip of bit " + bit;
      } else {
        int length = random.nextInt(pristine.length);
        damaged = java.util.Arrays.copyOf(pristine, length);
        what = "truncation to " + length;
      }
      Files.write(file, damaged);
      BackupCatalog catalog =
          enc == null
              ? BackupCatalog.of(sink)
              : BackupCatalog.builder(sink).encryption(enc).build();
      if (catalog.verify(result.setId()).ok()) {
        undetected.add(what + ": verify passed");
      }
      if (t % RESTORE_EVERY != 0) {
        continue;
      }
      // Into an empty database the artifacts are checked as they are read; damage met mid-load
      // is undone. With clean() the set is verified before anything is dropped.
      boolean clean = t % (2 * RESTORE_EVERY) == 0;
      PostgresTarget.Builder into =
          PostgresTarget.builder(EmbeddedPg.dataSource(clean ? cleanTarget : target));
      PostgresTarget restoreTarget = clean ? into.clean().build() : into.build();
      Throwable onRestore =
          catchThrowable(
              () ->
                  RestorePlan.builder(sink)
                      .latest()
                      .encryption(enc)
                      .target(restoreTarget)
                      .build()
                      .execute());
      if (!(onRestore instanceof IntegrityException)) {
        undetected.add(what + ": restore " + onRestore);
      } else if (!clean && !onRestore.getMessage().contains("is damaged")) {
        undetected.add(what + ": restore did not name the damage: " + onRestore.getMessage());
      } else if (!clean
          && which.equals("data")
          && !onRestore.getMessage().contains("everything the restore created was dropped again")) {
        undetected.add(what + ": damage met mid-load was not undone: " + onRestore.getMessage());
      }
      if (t == 0 || t == TRIALS + RESTORE_EVERY) {
        System.out.println(what + ": " + onRestore.getMessage());
      }
      if (!clean && sessions(target) != 0) {
        // the restore's connections open while the TOC is read: closed again on failure
        undetected.add(what + ": restore left " + sessions(target) + " sessions open");
      }
      if (relations(target) != 0) {
        undetected.add(
            what
                + ": restore left "
                + relations(target)
                + " relations behind: "
                + onRestore.getMessage());
        break;
      }
      if (!Fidelity.catalogSnapshot(EmbeddedPg.dataSource(cleanTarget)).equals(cleanSchema)) {
        undetected.add(what + ": clean restore changed the database");
      }
    }
    Files.write(file, pristine);

    assertThat(undetected).as(victim.path() + " (" + pristine.length + " bytes)").isEmpty();
    assertThat(relations(target)).as("nothing was restored").isZero();
    RestorePlan.builder(sink)
        .latest()
        .encryption(enc)
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build())
        .build()
        .execute();
    Fidelity.assertSameDatabase(source, target);
  }

  @Test
  void backupWorkerCannotConnect_failsWithoutASet_andLeavesNoConnectionOpen() throws Exception {
    String source = EmbeddedPg.createDatabase("bkconn");
    // the leader and the first worker may connect, the second worker may not: the workers connect
    // while the leader reads the catalog (a superuser would not be held to the limit)
    exec(
        source,
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'two_backup_conns')"
            + " THEN CREATE ROLE two_backup_conns LOGIN CONNECTION LIMIT 2; END IF; END $$;"
            + " CREATE TABLE t1 AS SELECT 1 AS a; CREATE TABLE t2 AS SELECT 2 AS b;"
            + " ALTER TABLE t1 OWNER TO two_backup_conns; ALTER TABLE t2 OWNER TO two_backup_conns");
    String url = EmbeddedPg.jdbcUrl(source).replace("user=postgres", "user=two_backup_conns");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));

    assertThatThrownBy(
            () ->
                Backup.builder()
                    .target(PostgresTarget.builder(url).jobs(2).build())
                    .sink(sink)
                    .build()
                    .run())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("cannot connect for backup worker")
        .hasMessageContaining("too many connections");
    assertThat(BackupCatalog.of(sink).list()).isEmpty();
    // a backend ends a moment after its client closed the connection
    int open = -1;
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (open != 0 && System.nanoTime() < deadline) {
      try (Connection c = EmbeddedPg.dataSource("postgres").getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT count(*) FROM pg_stat_activity WHERE usename = 'two_backup_conns'")) {
        rs.next();
        open = rs.getInt(1);
      }
      if (open != 0) {
        Thread.sleep(50);
      }
    }
    assertThat(open).as("connections left open").isZero();
  }

  @Test
  void workerCannotConnect_failsBeforeAnythingIsWritten() {
    String source = Fidelity.createAllKindsDatabase("src");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
        .sink(sink)
        .build()
        .run();
    String target = EmbeddedPg.createDatabase("dst");
    // a role that may hold two connections: of the leader and three workers, which connect at
    // once, two fail
    exec(
        target,
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'two_conns')"
            + " THEN CREATE ROLE two_conns LOGIN CONNECTION LIMIT 2; END IF; END $$");
    String url = EmbeddedPg.jdbcUrl(target).replace("user=postgres", "user=two_conns");

    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .target(PostgresTarget.builder(url).jobs(3).build())
                    .build()
                    .execute())
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("cannot connect for restore")
        .hasMessageContaining("too many connections");
    assertThat(relations(target)).isZero();
  }

  @Test
  void damagedSmallTableWhileABigOneLoads_reportsTheDamageAndUndoesEverything() throws Exception {
    String source = EmbeddedPg.createDatabase("src");
    exec(
        source,
        "CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1,"
            + " 400000) g; CREATE TABLE small AS SELECT g AS id FROM generate_series(1, 100) g;"
            + " ALTER TABLE big ADD PRIMARY KEY (id)");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    BackupResult result =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .compression(Compression.parse("gzip:1"))
            .build()
            .run();
    Manifest.Artifact smallest =
        result.targets().get(0).artifacts().stream()
            .filter(a -> a.path().endsWith(".dat.gz"))
            .min(Comparator.comparingLong(Manifest.Artifact::size))
            .orElseThrow();
    Path file = sink.root().resolve("sets/" + result.setId() + "/" + smallest.path());
    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 12));
    String target = EmbeddedPg.createDatabase("dst");

    // The big table loads on one worker while the other fails on the small one at once; the
    // big load is cancelled, and its cancellation does not hide the damage.
    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).jobs(2).build())
                    .build()
                    .execute())
        .isInstanceOf(IntegrityException.class)
        .hasMessageContaining(smallest.path())
        .hasMessageContaining("everything the restore created was dropped again");
    assertThat(relations(target)).isZero();
  }

  @Test
  void wrongKey_failsBeforeAnythingIsRestored() {
    String source = Fidelity.createAllKindsDatabase("src");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
        .sink(sink)
        .encryption(Encryption.aes256Gcm(KeySource.raw(KEY)))
        .build()
        .run();
    String target = EmbeddedPg.createDatabase("dst");

    assertThatThrownBy(
            () ->
                RestorePlan.builder(sink)
                    .latest()
                    .encryption(Encryption.aes256Gcm(KeySource.raw(new byte[32])))
                    .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build())
                    .build()
                    .execute())
        .isInstanceOf(KeyException.class)
        .hasMessageContaining("does not open set");
    assertThat(relations(target)).isZero();
  }

  @Test
  void connectionTerminatedMidCopy_noSetListed_nextBackupSucceeds() throws Exception {
    String source = EmbeddedPg.createDatabase("big");
    exec(
        source,
        "CREATE TABLE big AS SELECT g AS id, md5(g::text) || md5((g * 7)::text) AS v"
            + " FROM generate_series(1, 1500000) g");
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Encryption enc = Encryption.aes256Gcm(KeySource.raw(KEY));
    AtomicInteger terminated = new AtomicInteger(-1);
    Backup killed =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .compression(Compression.parse("none"))
            .encryption(enc)
            .listener(
                p -> {
                  if (p.phase() == Progress.Phase.BACKUP
                      && p.bytes() > (8 << 20)
                      && terminated.get() < 0) {
                    terminated.set(terminateOthers(source));
                  }
                })
            .build();

    assertThatThrownBy(killed::run)
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("backup of postgres/main failed")
        .hasMessageContaining("was not published");
    assertThat(terminated.get()).as("backends terminated").isPositive();
    assertThat(sink.list()).isEmpty();
    try (var sets = Files.list(sink.root().resolve("sets"))) {
      assertThat(sets).as("the failed set was removed").isEmpty();
    }

    BackupResult next =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
            .sink(sink)
            .encryption(enc)
            .build()
            .run();
    assertThat(sink.list()).containsExactly(next.setId());
    String target = EmbeddedPg.createDatabase("dst");
    RestorePlan.builder(sink)
        .latest()
        .encryption(enc)
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(target)).build())
        .build()
        .execute();
    assertThat(count(target, "SELECT count(*) FROM big")).isEqualTo(1_500_000);
  }

  /** Terminates every other backend on the database, as an admin or a failover would. */
  static int terminateOthers(String database) {
    try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(pg_terminate_backend(pid))"
                    + " FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()")) {
      s.setString(1, database);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@return the sessions on the database, once none is left or after 30 s} A backend ends a moment
   * after its client closed the connection (longer on a loaded machine).
   */
  static long sessions(String database) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (true) {
      long n;
      try (Connection c = EmbeddedPg.server().getPostgresDatabase().getConnection();
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT count(*) FROM pg_stat_activity"
                      + " WHERE datname = ? AND pid <> pg_backend_pid()")) {
        s.setString(1, database);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          n = rs.getLong(1);
        }
      } catch (java.sql.SQLException e) {
        throw new IllegalStateException(e);
      }
      if (n == 0 || System.nanoTime() > deadline) {
        return n;
      }
      Thread.sleep(20);
    }
  }

  static long relations(String database) {
    return count(
        database,
        "SELECT count(*) FROM pg_class c JOIN pg_namespace n"
            + " ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog','information_schema')"
            + " AND n.nspname !~ '^pg_toast'");
  }

  static long count(String database, String sql) {
    try (Connection c = EmbeddedPg.dataSource(database).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static void exec(String database, String sql) {
    try (Connection c = EmbeddedPg.dataSource(database).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
