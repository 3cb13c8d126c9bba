package com.avnology.backup.retention;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which archived WAL files no kept base backup needs: those of the same or an earlier timeline
 * positioned before the oldest kept base backup's first segment, as pgBackRest's {@code expire}.
 * Timeline history files always stay (they are tiny and recovery across a timeline switch reads
 * them). Stateless.
 */
final class WalExpiry {
  /**
   * A segment, partial segment (a streamer's versions carry their length) or backup history file:
   * timeline, then position.
   */
  private static final Pattern POSITIONED =
      Pattern.compile(
          "([0-9A-F]{8})([0-9A-F]{16})(\\.partial(\\.[0-9A-F]{8})?|\\.[0-9A-F]{8}\\.backup)?");

  private static final Pattern SEGMENT = Pattern.compile("[0-9A-F]{24}");

  private WalExpiry() {}

  /**
   * {@return whether it is a segment name}
   *
   * @param firstKept the first segment of the oldest kept base backup, such as {@code
   *     000000010000000000000003}
   */
  static boolean isSegment(String firstKept) {
    return firstKept != null && SEGMENT.matcher(firstKept).matches();
  }

  /**
   * {@return the keys to delete, sorted}
   *
   * @param keys the keys of the archive, as {@code wal/<timeline>/<name>.zst}
   * @param firstKept the first segment the oldest kept base backup needs
   */
  static List<String> expired(List<String> keys, String firstKept) {
    long keptTimeline = Long.parseLong(firstKept.substring(0, 8), 16);
    String keptPosition = firstKept.substring(8);
    List<String> expired = new ArrayList<>();
    for (String key : keys) {
      String name = name(key);
      Matcher m = POSITIONED.matcher(name);
      if (m.matches()
          && Long.parseLong(m.group(1), 16) <= keptTimeline
          && m.group(2).compareTo(keptPosition) < 0) {
        expired.add(key);
      }
    }
    expired.sort(null);
    return expired;
  }

  /** {@return the WAL file's name in a key, without directory and {@code .zst}} */
  static String name(String key) {
    String file = key.substring(key.lastIndexOf('/') + 1);
    return file.endsWith(".zst") ? file.substring(0, file.length() - 4) : file;
  }
}
