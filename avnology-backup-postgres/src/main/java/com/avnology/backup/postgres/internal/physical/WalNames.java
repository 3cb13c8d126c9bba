package com.avnology.backup.postgres.internal.physical;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Names of WAL files and their keys in a sink. Stateless. */
public final class WalNames {
  /** Segments, partial segments, timeline history files and backup history files. */
  private static final Pattern WAL_FILE =
      Pattern.compile("[0-9A-F]{24}(\\.partial|\\.[0-9A-F]{8}\\.backup)?|[0-9A-F]{8}\\.history");

  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");

  /** A stored version of a partial segment: its name, then how many bytes it holds, in hex. */
  private static final Pattern PARTIAL_VERSION =
      Pattern.compile("([0-9A-F]{24})\\.partial\\.([0-9A-F]{8})");

  private WalNames() {}

  /**
   * {@return the name}
   *
   * @param name a WAL file's name, as PostgreSQL's {@code %f}
   * @throws IllegalArgumentException if it is not a WAL file's name
   */
  public static String check(String name) {
    if (name == null || !WAL_FILE.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "not a WAL file name: "
              + name
              + "; expected a segment"
              + " such as 000000010000000000000003, a .partial or .backup file or a timeline .history"
              + " file (give PostgreSQL's %f or the file %p points to)");
    }
    return name;
  }

  /** {@return whether the name is a complete segment's} */
  public static boolean isSegment(String name) {
    return SEGMENT.matcher(name).matches();
  }

  /**
   * {@return its key in a sink: {@code wal/<timeline>/<name>.zst}}
   *
   * @param name a WAL file's name
   */
  public static String key(String name) {
    check(name);
    return "wal/" + name.substring(0, 8) + "/" + name + ".zst";
  }

  /** {@return whether the name is a timeline history file's} */
  public static boolean isHistory(String name) {
    return name.endsWith(".history");
  }

  /**
   * {@return the key of that version: {@code wal/<timeline>/<segment>.partial.<length hex>.zst}}
   *
   * @param segment a complete segment's name
   * @param length how many bytes of it a partial version holds
   */
  public static String partialKey(String segment, long length) {
    if (!isSegment(segment)) {
      throw new IllegalArgumentException("not a segment name: " + segment);
    }
    return String.format(
        Locale.ROOT, "wal/%s/%s.partial.%08X.zst", segment.substring(0, 8), segment, length);
  }

  /**
   * {@return the segment and byte count of a partial version's key, if it is one}
   *
   * @param key an object's key
   */
  public static java.util.Optional<java.util.Map.Entry<String, Long>> partialVersion(String key) {
    String file = key.substring(key.lastIndexOf('/') + 1);
    if (!file.endsWith(".zst")) {
      return java.util.Optional.empty();
    }
    var m = PARTIAL_VERSION.matcher(file.substring(0, file.length() - 4));
    return m.matches()
        ? java.util.Optional.of(java.util.Map.entry(m.group(1), Long.parseLong(m.group(2), 16)))
        : java.util.Optional.empty();
  }

  /** {@return the timeline of a segment, partial or history file's name} */
  public static int timeline(String name) {
    return Integer.parseUnsignedInt(name.substring(0, 8), 16);
  }

  /**
   * {@return the location its first byte holds}
   *
   * @param segment a segment's name
   * @param segmentSize the server's wal_segment_size in bytes
   */
  public static long startOf(String segment, long segmentSize) {
    long perId = 0x1_0000_0000L / segmentSize;
    long segno =
        Long.parseLong(segment.substring(8, 16), 16) * perId
            + Long.parseLong(segment.substring(16, 24), 16);
    return segno * segmentSize;
  }

  /**
   * {@return the name of the segment holding the byte at {@code lsn}}
   *
   * @param timeline a timeline id
   * @param lsn a WAL location
   * @param segmentSize the server's wal_segment_size in bytes
   */
  public static String segment(int timeline, long lsn, long segmentSize) {
    long segno = Long.divideUnsigned(lsn, segmentSize);
    long perId = 0x1_0000_0000L / segmentSize;
    return String.format(Locale.ROOT, "%08X%08X%08X", timeline, segno / perId, segno % perId);
  }

  /**
   * {@return the names of the segments holding {@code [start, end)}, in order}
   *
   * @param timeline a timeline id
   * @param start the first location needed
   * @param end the end of the last record needed (exclusive)
   * @param segmentSize the server's wal_segment_size in bytes
   */
  public static List<String> range(int timeline, long start, long end, long segmentSize) {
    List<String> names = new ArrayList<>();
    long first = start / segmentSize;
    long last = (end - 1) / segmentSize;
    for (long segno = first; segno <= last; segno++) {
      names.add(segment(timeline, segno * segmentSize, segmentSize));
    }
    return names;
  }

  /**
   * {@return it as a number}
   *
   * @param lsn a location in PostgreSQL's text form, such as {@code 0/3000028}
   * @throws IllegalArgumentException if malformed
   */
  public static long parseLsn(String lsn) {
    int slash = lsn == null ? -1 : lsn.indexOf('/');
    try {
      if (slash > 0) {
        return (Long.parseLong(lsn.substring(0, slash), 16) << 32)
            | Long.parseLong(lsn.substring(slash + 1), 16);
      }
    } catch (NumberFormatException e) {
      // falls through to the message below
    }
    throw new IllegalArgumentException(
        "not a WAL location: "
            + lsn
            + "; expected the form"
            + " 0/3000028 (as pg_current_wal_lsn() shows)");
  }

  /** {@return {@code lsn} in PostgreSQL's text form} */
  public static String formatLsn(long lsn) {
    return String.format(Locale.ROOT, "%X/%X", lsn >>> 32, lsn & 0xFFFF_FFFFL);
  }
}
