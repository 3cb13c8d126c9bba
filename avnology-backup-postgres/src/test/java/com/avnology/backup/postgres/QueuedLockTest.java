package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupException;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A session that asks for an exclusive lock on a table while a backup holds its share lock queues
 * behind the backup, and a worker's copy of that table would queue behind it: the backup gives up
 * (as pg_dump's workers do) instead of waiting for ever and keeping that session, and every query
 * behind it, waiting.
 */
final class QueuedLockTest {
  @TempDir Path tmp;

  @Test
  void alterTableQueuedDuringTheCopies_failsTheBackup_andLetsTheAlterThrough() throws Exception {
    String db = EmbeddedPg.createDatabase("queued");
    exec(
        db,
        """
        CREATE TABLE public.big1 (id int, v text);
        INSERT INTO public.big1 SELECT g, md5(g::text) || md5((g + 1)::text)
          FROM generate_series(1, 400000) g;
        CREATE TABLE public.big2 (id int, v text);
        INSERT INTO public.big2 SELECT g, md5(g::text) || md5((g + 2)::text)
          FROM generate_series(1, 400000) g;
        CREATE TABLE public.victim (id int);
        INSERT INTO public.victim VALUES (1), (2);
        ANALYZE;
        """);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup backup =
        Backup.builder()
            .target(PostgresTarget.builder(EmbeddedPg.dataSource(db)).jobs(2).build())
            .sink(sink)
            .build();
    CompletableFuture<Void> run = CompletableFuture.runAsync(backup::run);
    // the backup's share lock on the small table, copied last (largest first)
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!query(
            db,
            "SELECT count(*) FROM pg_locks WHERE relation = 'public.victim'::regclass"
                + " AND mode = 'AccessShareLock' AND granted AND pid <> pg_backend_pid()")
        .equals("1")) {
      assertThat(run).as("the backup ended before it locked the table").isNotDone();
      assertThat(System.nanoTime()).as("locked within 60 s").isLessThan(deadline);
      Thread.sleep(2);
    }
    CompletableFuture<Void> alter =
        CompletableFuture.runAsync(
            () -> {
              try {
                exec(db, "ALTER TABLE public.victim ADD COLUMN z int");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try {
      assertThatBackupFails(run);
      alter.get(60, TimeUnit.SECONDS); // the backup's locks are gone: the change goes through
      assertThat(sink.list()).isEmpty();
      assertThat(query(db, "SELECT count(*) FROM pg_attribute WHERE attname = 'z'")).isEqualTo("1");
    } finally {
      if (!alter.isDone()) {
        exec(
            db,
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE query LIKE 'ALTER TABLE public.victim%'");
      }
    }
  }

  private static void assertThatBackupFails(CompletableFuture<Void> run) throws Exception {
    try {
      run.get(60, TimeUnit.SECONDS);
      throw new AssertionError("the backup succeeded although a copy had to wait for a lock");
    } catch (TimeoutException e) {
      throw new AssertionError("the backup still waits for the lock after 60 s", e);
    } catch (ExecutionException e) {
      assertThat(e.getCause())
          .isInstanceOf(BackupException.class)
          .hasMessageContaining("copying table public.victim failed")
          .hasMessageContaining("another session is waiting for an exclusive lock on it")
          .hasMessageContaining("was not published");
    }
  }

  private static String query(String db, String sql) throws Exception {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static void exec(String db, String sql) throws Exception {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }
}
