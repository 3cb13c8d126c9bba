package com.avnology.backup.postgres.schedule;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupContext;
import com.avnology.backup.BackupTarget;
import com.avnology.backup.Compression;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestoreContext;
import com.avnology.backup.schedule.JdbcRunCoordinator;
import com.avnology.backup.schedule.Job;
import com.avnology.backup.schedule.Schedule;
import com.avnology.backup.schedule.Scheduler;
import com.avnology.backup.schedule.Tick;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * A replica in a process of its own, for a test that kills it mid-run: {@code coordinatorUrl
 * sinkDir clockFile runningMarker}. Its job {@code db} (hourly) backs up a target that writes part
 * of an artifact, creates the marker and hangs. Ticks whenever the shared clock changes and prints
 * each tick; prints {@code READY} first.
 */
public final class SchedulerReplicaChild {
  private SchedulerReplicaChild() {}

  /**
   * Runs one scheduler replica.
   *
   * @param args see the class comment
   */
  public static void main(String[] args) throws Exception {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(args[0]);
    FileClock clock = new FileClock(Path.of(args[2]));
    Path marker = Path.of(args[3]);
    Backup backup =
        Backup.builder()
            .target(new Hanging(marker))
            .sink(FileSystemSink.of(Path.of(args[1])))
            .clock(clock)
            .build();
    Scheduler scheduler =
        Scheduler.builder()
            .job(Job.builder("db", Schedule.every(Duration.ofHours(1)), backup).build())
            .clock(clock)
            .coordinator(JdbcRunCoordinator.of(ds))
            .build();
    // the starting time is read before READY: the test moves the clock as soon as it sees READY
    Instant seen = clock.instant();
    System.out.println("READY");
    while (true) {
      Instant now = clock.instant();
      if (!now.equals(seen)) {
        seen = now;
        for (Tick t : scheduler.tick()) {
          System.out.println("TICK " + t.due() + " " + t.action());
        }
      }
      Thread.sleep(20);
    }
  }

  /** Writes part of an artifact, says so, and never finishes. */
  private record Hanging(Path marker) implements BackupTarget {
    @Override
    public String kind() {
      return "postgres";
    }

    @Override
    public String name() {
      return "app";
    }

    @Override
    public void backup(BackupContext context) {
      try (OutputStream out = context.artifact("app/toc.dat", Compression.Algorithm.NONE)) {
        out.write(new byte[4096]);
        out.flush();
        Files.writeString(marker, context.setId());
        Thread.sleep(Long.MAX_VALUE);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }

    @Override
    public void restore(RestoreContext context) {
      throw new UnsupportedOperationException();
    }
  }
}
