package com.avnology.backup.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

final class ScheduleTest {
  static final ZoneId UTC = ZoneOffset.UTC;
  static final Instant THU_0730 = Instant.parse("2026-01-01T07:30:00Z");

  @Test
  void every_isAlignedToTheEpoch_soReplicasAgreeOnDueTimes() {
    Schedule s = Schedule.every(Duration.ofHours(6));

    assertThat(s.latest(THU_0730, UTC)).isEqualTo("2026-01-01T06:00:00Z");
    assertThat(s.next(THU_0730, UTC)).isEqualTo("2026-01-01T12:00:00Z");
    assertThat(s.latest(Instant.parse("2026-01-01T12:00:00Z"), UTC))
        .isEqualTo("2026-01-01T12:00:00Z");
    assertThat(s.period(THU_0730, UTC)).isEqualTo(Duration.ofHours(6));
  }

  @Test
  void cronDailyAndWeekly_followTheClocksZone() {
    Schedule sundays = Schedule.cron("0 4 * * 0");
    Schedule weekly = Schedule.weeklyOn(DayOfWeek.SUNDAY, LocalTime.of(4, 0));
    Schedule daily = Schedule.dailyAt(LocalTime.of(3, 15));

    assertThat(sundays.next(THU_0730, UTC)).isEqualTo("2026-01-04T04:00:00Z");
    assertThat(weekly.next(THU_0730, UTC)).isEqualTo("2026-01-04T04:00:00Z");
    assertThat(sundays.latest(Instant.parse("2026-01-04T04:00:00Z"), UTC))
        .isEqualTo("2026-01-04T04:00:00Z");
    assertThat(sundays.latest(THU_0730, UTC)).isEqualTo("2025-12-28T04:00:00Z");
    assertThat(sundays.period(THU_0730, UTC)).isEqualTo(Duration.ofDays(7));
    assertThat(daily.latest(THU_0730, UTC)).isEqualTo("2026-01-01T03:15:00Z");
    assertThat(daily.next(THU_0730, ZoneId.of("Europe/Berlin"))).isEqualTo("2026-01-02T02:15:00Z");
    assertThat(daily).hasToString("cron 15 3 * * *");
  }

  @Test
  void badValues_areRefusedWithTheFix() {
    assertThatThrownBy(() -> Schedule.cron("0 25 * * *"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not a Unix cron expression: '0 25 * * *' (")
        .hasMessageEndingWith(
            "); give five fields: minute hour day-of-month month day-of-week,"
                + " such as '0 3 * * *'");
    assertThatThrownBy(() -> Schedule.every(Duration.ofMillis(10)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("schedule interval must be at least 1 second: PT0.01S");
  }
}
