package com.avnology.backup.postgres.physical;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupSink;
import com.avnology.backup.Manifest;
import java.time.Instant;
import java.util.Optional;

/**
 * Choosing the base backup for a point-in-time recovery, as pgBackRest does: the newest set whose
 * physical backup stopped before the target time. Stateless and thread-safe.
 */
public final class PhysicalSets {
  private PhysicalSets() {}

  /**
   * {@return the id of the newest set whose physical backup of {@code name} stopped at or before
   * {@code time}, or empty if there is none}
   *
   * @param sink where the sets live
   * @param name the physical target's name, {@code cluster} by default
   * @param time the recovery target time
   * @throws com.avnology.backup.NotFoundException if the sink does not exist
   */
  public static Optional<String> newestBefore(BackupSink sink, String name, Instant time) {
    requireNonNull(time, "null time");
    for (Manifest manifest : BackupCatalog.of(requireNonNull(sink, "null sink")).list()) {
      Optional<Manifest.Target> target = manifest.target(PhysicalTarget.KIND, name);
      String stop = target.map(t -> t.metadata().get("stop_time")).orElse(null);
      if (stop != null && !Instant.parse(stop).isAfter(time)) {
        return Optional.of(manifest.id());
      }
    }
    return Optional.empty();
  }

  /**
   * {@return the id of the newest set holding a physical backup of {@code name}, or empty}
   *
   * @param sink where the sets live
   * @param name the physical target's name
   * @throws com.avnology.backup.NotFoundException if the sink does not exist
   */
  public static Optional<String> newest(BackupSink sink, String name) {
    return BackupCatalog.of(requireNonNull(sink, "null sink")).list().stream()
        .filter(m -> m.target(PhysicalTarget.KIND, name).isPresent())
        .map(Manifest::id)
        .findFirst();
  }
}
