package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a sink holds, per target (kind and name): how many sets, the newest one, its time and size;
 * plus the damaged sets and the WAL archive's extent. Reads manifests only (no artifact is read).
 *
 * @param sink the sink, as its {@code toString()} (no secret)
 * @param targets one line per target, sorted by kind and name
 * @param damaged ids of published sets whose manifest cannot be read
 * @param walFiles how many WAL files the sink archives (0 if it archives none or cannot)
 * @param walFirst the first archived WAL file, if any
 * @param walLast the last archived WAL file, if any
 */
public record SinkStatus(
    String sink,
    List<Target> targets,
    List<String> damaged,
    int walFiles,
    Optional<String> walFirst,
    Optional<String> walLast) {

  /**
   * Validates and copies.
   *
   * @param sink the sink, as its {@code toString()} (no secret)
   * @param targets one line per target, sorted by kind and name
   * @param damaged ids of published sets whose manifest cannot be read
   * @param walFiles how many WAL files the sink archives (0 if it archives none or cannot)
   * @param walFirst the first archived WAL file, if any
   * @param walLast the last archived WAL file, if any
   */
  public SinkStatus {
    requireNonNull(sink, "null sink");
    targets = List.copyOf(targets);
    damaged = List.copyOf(damaged);
    requireNonNull(walFirst, "null walFirst");
    requireNonNull(walLast, "null walLast");
  }

  /**
   * {@return what it holds now}
   *
   * @param sink the sink to look into
   * @throws NotFoundException if the sink does not exist
   * @throws StorageException if it cannot be read
   */
  public static SinkStatus of(BackupSink sink) {
    requireNonNull(sink, "null sink");
    Map<String, List<Manifest>> byTarget = new java.util.TreeMap<>();
    List<String> damaged = new ArrayList<>();
    for (BackupCatalog.Entry e : BackupCatalog.of(sink).entries()) {
      if (e.damaged()) {
        damaged.add(e.id());
        continue;
      }
      Manifest m = e.manifest().orElseThrow();
      for (Manifest.Target t : m.targets()) {
        byTarget.computeIfAbsent(t.kind() + "/" + t.name(), k -> new ArrayList<>()).add(m);
      }
    }
    List<Target> targets = new ArrayList<>();
    byTarget.forEach(
        (label, sets) -> {
          Manifest newest =
              sets.stream().max(java.util.Comparator.comparing(Manifest::startedAt)).orElseThrow();
          Instant oldest =
              sets.stream().map(Manifest::startedAt).min(Instant::compareTo).orElseThrow();
          int slash = label.indexOf('/');
          Manifest.Target t =
              newest.target(label.substring(0, slash), label.substring(slash + 1)).orElseThrow();
          long size = t.artifacts().stream().mapToLong(Manifest.Artifact::size).sum();
          targets.add(
              new Target(
                  t.kind(),
                  t.name(),
                  sets.size(),
                  newest.id(),
                  newest.startedAt(),
                  newest.finishedAt(),
                  size,
                  oldest));
        });
    List<String> wal = wal(sink);
    return new SinkStatus(
        sink.toString(),
        targets,
        damaged,
        wal.size(),
        wal.stream().findFirst(),
        wal.isEmpty() ? Optional.empty() : Optional.of(wal.get(wal.size() - 1)));
  }

  private static List<String> wal(BackupSink sink) {
    try {
      return sink.listObjects("wal/").stream()
          .map(k -> k.substring(k.lastIndexOf('/') + 1))
          .filter(n -> n.endsWith(".zst"))
          .map(n -> n.substring(0, n.length() - 4))
          .sorted()
          .toList();
    } catch (StorageException e) {
      return List.of();
    }
  }

  /**
   * One target's sets.
   *
   * @param kind its kind, such as {@code postgres}
   * @param name its name
   * @param sets how many published sets hold it
   * @param newestSetId the newest of them
   * @param newestStartedAt when that backup started
   * @param newestFinishedAt when it finished
   * @param newestSize the stored size of this target's artifacts in that set, in bytes
   * @param oldestStartedAt when the oldest set holding it started
   */
  public record Target(
      String kind,
      String name,
      int sets,
      String newestSetId,
      Instant newestStartedAt,
      Instant newestFinishedAt,
      long newestSize,
      Instant oldestStartedAt) {}
}
