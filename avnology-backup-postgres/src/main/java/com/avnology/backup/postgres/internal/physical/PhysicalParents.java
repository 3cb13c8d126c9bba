package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.BackupContext;
import com.avnology.backup.Manifest;
import java.io.IOException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the parent of an incremental physical backup: the newest published physical backup of the
 * same target and cluster (system identifier), as pgBackRest's {@code incr} does. When there is
 * none it can use, the backup is a full one, and the log says why. Stateless.
 */
public final class PhysicalParents {
  /** The physical kind, as in the manifests. */
  public static final String KIND = "physical";

  /** The {@code format} option of sets written in parts, with a file list naming them. */
  public static final String FORMAT = "parts";

  private static final Logger log = LoggerFactory.getLogger(PhysicalParents.class);

  private PhysicalParents() {}

  /**
   * {@return the parent, or {@code null} for a full backup}
   *
   * @param context the backup's
   * @param name the target's name
   * @param systemIdentifier the cluster's
   */
  public static ParallelCopy.Parent choose(
      BackupContext context, String name, long systemIdentifier) {
    String cluster = Long.toUnsignedString(systemIdentifier);
    Optional<Manifest> newest =
        context.publishedSets().stream()
            .filter(
                m ->
                    m.target(KIND, name)
                        .map(t -> cluster.equals(t.metadata().get("system_identifier")))
                        .orElse(false))
            .findFirst();
    if (newest.isEmpty()) {
      return full(
          context,
          "no physical backup of " + name + " (system identifier " + cluster + ") in the sink yet");
    }
    Manifest parent = newest.get();
    Manifest.Target target = parent.target(KIND, name).orElseThrow();
    if (!FORMAT.equals(target.options().get("format"))) {
      return full(
          context,
          "the newest physical backup, set "
              + parent.id()
              + ", was written by an"
              + " older version as one tar, which an incremental cannot refer to");
    }
    try {
      List<FileEntry> entries = FileLists.read(context.publishedSet(parent.id()), name);
      Map<String, FileEntry> files = new HashMap<>();
      entries.forEach(e -> files.put(e.path(), e));
      log.info(
          "incremental physical backup of {} on set {} ({} files)",
          name,
          parent.id(),
          files.size());
      return new ParallelCopy.Parent(
          parent.id(), Instant.parse(target.metadata().get("start_time")), files);
    } catch (IOException | RuntimeException e) {
      return full(
          context, "the file list of set " + parent.id() + " cannot be read: " + e.getMessage());
    }
  }

  private static ParallelCopy.Parent full(BackupContext context, String why) {
    log.warn("incremental backup asked, taking a full one: {}", why);
    context.metadata("incremental_refused", why);
    return null;
  }
}
