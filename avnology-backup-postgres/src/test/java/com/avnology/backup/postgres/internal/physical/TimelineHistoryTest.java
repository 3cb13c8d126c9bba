package com.avnology.backup.postgres.internal.physical;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

final class TimelineHistoryTest {
  private static final long SEG = 16 << 20;

  @Test
  void timelineAt_followsTheSwitchpoints_theSwitchSegmentOnTheNewTimeline() {
    TimelineHistory h =
        TimelineHistory.parse(
            3, "1\t0/5000A28\tbefore 2026-04-17\n\n2\t0/7000000\tno recovery target specified\n");

    assertThat(h.timelineAt(4 * SEG, SEG)).isEqualTo(1);
    assertThat(h.timelineAt(5 * SEG, SEG)).isEqualTo(2);
    assertThat(h.timelineAt(6 * SEG, SEG)).isEqualTo(2);
    assertThat(h.timelineAt(7 * SEG, SEG)).isEqualTo(3);
    assertThat(TimelineHistory.first().timelineAt(9 * SEG, SEG)).isEqualTo(1);
  }
}
