package com.avnology.backup.postgres.internal.physical;

import java.util.ArrayList;
import java.util.List;

/**
 * A timeline history file ({@code 00000002.history}): each line names a parent timeline and the
 * location where the next one branched off it. Immutable.
 */
public final class TimelineHistory {
  /** A timeline and where it begins. */
  private record Begin(int timeline, long lsn) {}

  private final List<Begin> begins;

  private TimelineHistory(List<Begin> begins) {
    this.begins = List.copyOf(begins);
  }

  /** {@return the history of timeline 1: it begins at 0} */
  public static TimelineHistory first() {
    return new TimelineHistory(List.of(new Begin(1, 0)));
  }

  /** {@return a history knowing only that {@code timeline} exists (its file is missing)} */
  public static TimelineHistory only(int timeline) {
    return new TimelineHistory(List.of(new Begin(timeline, 0)));
  }

  /**
   * {@return the history}
   *
   * @param timeline the timeline whose history file this is
   * @param text the file's content: {@code <parent tli>\t<switchpoint>\t<reason>} lines
   * @throws IllegalArgumentException if a line is malformed
   */
  public static TimelineHistory parse(int timeline, String text) {
    List<Begin> begins = new ArrayList<>();
    long previousSwitch = 0;
    int previousTimeline = -1;
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      String[] fields = l.split("\\s+");
      int parent = Integer.parseInt(fields[0]);
      begins.add(new Begin(parent, previousTimeline < 0 ? 0 : previousSwitch));
      previousTimeline = parent;
      previousSwitch = WalNames.parseLsn(fields[1]);
    }
    begins.add(new Begin(timeline, previousSwitch));
    return new TimelineHistory(begins);
  }

  /**
   * {@return the timeline recovery reads that segment from: the newest one begun by its end}
   *
   * @param lsn the start of a segment
   * @param segmentSize the segment size
   */
  public int timelineAt(long lsn, long segmentSize) {
    int chosen = begins.get(0).timeline();
    for (Begin b : begins) {
      if (b.lsn() < lsn + segmentSize) {
        chosen = b.timeline();
      }
    }
    return chosen;
  }
}
