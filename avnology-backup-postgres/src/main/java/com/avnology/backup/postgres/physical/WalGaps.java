package com.avnology.backup.postgres.physical;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.internal.physical.TimelineHistory;
import com.avnology.backup.postgres.internal.physical.WalNames;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Gap detection in a WAL archive, as verify runs it: every segment a recovery would read between
 * the oldest physical base backup's first segment ({@code wal_first} in its manifest) and the
 * newest archived segment must be archived. Across timeline switches the newest timeline's history
 * file says which timeline each segment is read from (the newest timeline that had begun by it, as
 * recovery with {@code recovery_target_timeline = 'latest'} reads them); a missing history file is
 * a problem too. The newest segment may be held as a partial segment only.
 *
 * <p>Stateless; thread-safe.
 */
public final class WalGaps {
  private WalGaps() {}

  /**
   * What {@link #check} found.
   *
   * @param first the first segment needed (the oldest base backup's {@code wal_first}), if any
   * @param last the newest archived segment, if any
   * @param segments how many segments the range holds
   * @param missing the names of the segments missing in it, in order
   * @param problems other problems (a missing history file, an archive without a base backup)
   */
  public record Report(
      Optional<String> first,
      Optional<String> last,
      long segments,
      List<String> missing,
      List<String> problems) {
    /** {@return whether nothing is missing} */
    public boolean ok() {
      return missing.isEmpty() && problems.isEmpty();
    }

    /** {@return one line for humans, naming every missing segment} */
    public String summary() {
      if (first.isEmpty() || last.isEmpty()) {
        return problems.isEmpty() ? "no WAL range to check" : String.join("; ", problems);
      }
      String range = "WAL " + first.get() + " to " + last.get() + " (" + segments + " segments)";
      if (ok()) {
        return range + ": no gap";
      }
      return range
          + ": "
          + missing.size()
          + " missing"
          + (missing.isEmpty() ? "" : " (" + String.join(", ", missing) + ")")
          + (problems.isEmpty() ? "" : "; " + String.join("; ", problems));
    }
  }

  /**
   * {@return the range checked and what is missing in it}
   *
   * @param catalog the sets of the sink (its physical base backups name their first segment)
   * @param archive the WAL archive in the same sink
   * @throws StorageException if the sink cannot be read
   * @throws com.avnology.backup.KeyException if archived files are encrypted and the archive has no
   *     key, or another
   */
  public static Report check(BackupCatalog catalog, WalArchive archive) {
    requireNonNull(catalog, "null catalog");
    requireNonNull(archive, "null archive");
    List<String> problems = new ArrayList<>();
    Optional<String> first =
        catalog.list().stream()
            .flatMap(m -> m.targets().stream())
            .filter(t -> t.kind().equals("physical"))
            .map(t -> t.metadata().get("wal_first"))
            .filter(n -> n != null && WalNames.isSegment(n))
            .min(Comparator.comparing((String n) -> n.substring(8)).thenComparing(n -> n));
    List<String> names = archive.list();
    Optional<String> last =
        names.stream()
            .map(n -> n.endsWith(".partial") ? n.substring(0, 24) : n)
            .filter(WalNames::isSegment)
            .max(Comparator.comparing((String n) -> n.substring(0, 8)).thenComparing(n -> n));
    if (first.isEmpty()) {
      if (last.isPresent()) {
        problems.add("the archive holds WAL but the sink no physical base backup to start from");
      }
      return new Report(first, last, 0, List.of(), problems);
    }
    if (last.isEmpty()) {
      problems.add("no WAL archived after the base backup's first segment " + first.get());
      return new Report(first, last, 0, List.of(), problems);
    }
    Set<String> held = new HashSet<>(names);
    int newestTimeline = WalNames.timeline(last.get());
    TimelineHistory history = history(archive, newestTimeline, problems);
    long segmentSize = segmentSize(archive, last.get());
    long from = WalNames.startOf(first.get(), segmentSize) / segmentSize;
    long to = WalNames.startOf(last.get(), segmentSize) / segmentSize;
    List<String> missing = new ArrayList<>();
    for (long segno = from; segno <= to; segno++) {
      long lsn = segno * segmentSize;
      String name = WalNames.segment(history.timelineAt(lsn, segmentSize), lsn, segmentSize);
      if (!held.contains(name) && !(segno == to && held.contains(name + ".partial"))) {
        missing.add(name);
      }
    }
    return new Report(first, last, to - from + 1, missing, problems);
  }

  private static TimelineHistory history(WalArchive archive, int timeline, List<String> problems) {
    if (timeline == 1) {
      return TimelineHistory.first();
    }
    String name = String.format("%08X.history", timeline);
    Path temp = null;
    try {
      temp = Files.createTempFile("wal-history-", ".tmp");
      if (!archive.get(name, temp)) {
        problems.add(
            "timeline history file "
                + name
                + " is not archived: a recovery to timeline "
                + timeline
                + " cannot follow it");
        return TimelineHistory.only(timeline);
      }
      return TimelineHistory.parse(timeline, Files.readString(temp));
    } catch (IOException e) {
      throw new StorageException("cannot read " + name + ": " + e, e);
    } finally {
      if (temp != null) {
        temp.toFile().delete();
      }
    }
  }

  /** The segment size from the newest segment's long page header. */
  private static long segmentSize(WalArchive archive, String segment) {
    Path temp = null;
    try {
      temp = Files.createTempFile("wal-segment-", ".tmp");
      archive.get(segment, temp);
      ByteBuffer header = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      try (InputStream in = Files.newInputStream(temp)) {
        in.skipNBytes(32);
        header.put(in.readNBytes(4)).flip();
      }
      long size = header.remaining() == 4 ? Integer.toUnsignedLong(header.getInt()) : 0;
      if (Long.bitCount(size) != 1 || size < (1 << 20)) {
        throw new IntegrityException(
            "archived segment "
                + segment
                + " has no valid segment"
                + " header (segment size "
                + size
                + ")");
      }
      return size;
    } catch (IOException e) {
      throw new StorageException("cannot read archived segment " + segment + ": " + e, e);
    } finally {
      if (temp != null) {
        temp.toFile().delete();
      }
    }
  }
}
