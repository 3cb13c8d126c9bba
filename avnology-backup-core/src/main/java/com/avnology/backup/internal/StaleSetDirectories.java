package com.avnology.backup.internal;

import com.avnology.backup.BackupSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the unpublished set directories that dead runs (killed, interrupted, crashed) left in a
 * file-system sink. A set whose {@link SetLock} nobody holds is removed whatever its age: its
 * writer is gone. A set without a lock file (written before locks, or being created this instant)
 * is removed only when its id is older than a cut-off. A set a live process is writing is never
 * touched.
 */
public final class StaleSetDirectories {
  private static final Logger log = LoggerFactory.getLogger(StaleSetDirectories.class);

  private StaleSetDirectories() {}

  /**
   * Cleans up; logs each removal at INFO and failures at WARN, never throws, so a backup is not
   * stopped by a failed cleanup.
   *
   * @param sets the sink's {@code sets} directory
   * @param cutoff an unlocked-by-design set (no lock file) started before this is stale
   * @param where the sink, for messages
   * @return how many set directories were removed
   */
  public static int clean(Path sets, Instant cutoff, String where) {
    if (!Files.isDirectory(sets)) {
      return 0;
    }
    int removed = 0;
    try (Stream<Path> dirs = Files.list(sets)) {
      for (Path dir : dirs.toList()) {
        if (cleanOne(dir, cutoff, where)) {
          removed++;
        }
      }
    } catch (IOException | RuntimeException e) {
      log.warn("could not clean up unpublished sets in {}: {}", where, e.toString());
    }
    return removed;
  }

  private static boolean cleanOne(Path dir, Instant cutoff, String where) {
    String name = dir.getFileName().toString();
    Optional<Instant> started = Names.startedAt(name);
    if (started.isEmpty() || !Files.isDirectory(dir) || published(dir)) {
      return false;
    }
    if (Files.exists(dir.resolve(SetLock.FILE))) {
      AtomicBoolean removed = new AtomicBoolean();
      SetLock.withDeadLock(
          dir,
          () -> {
            if (!published(dir)) { // the writer may have published just before it let go
              log.info(
                  "removed unpublished set {} from {}: the run writing it (started {}) ended"
                      + " without publishing it (killed, interrupted or crashed)",
                  name,
                  where,
                  started.get());
              TreeDeleter.delete(dir);
              removed.set(true);
            }
          });
      return removed.get();
    }
    if (started.get().isBefore(cutoff)) {
      log.info(
          "removed unpublished set {} from {}: left by a failed run (started {}, before"
              + " {}; it has no lock file, so its age decides)",
          name,
          where,
          started.get(),
          cutoff);
      TreeDeleter.delete(dir);
      return true;
    }
    return false;
  }

  private static boolean published(Path dir) {
    return Files.exists(dir.resolve(BackupSink.MANIFEST));
  }
}
