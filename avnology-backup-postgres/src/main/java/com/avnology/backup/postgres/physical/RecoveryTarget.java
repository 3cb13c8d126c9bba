package com.avnology.backup.postgres.physical;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.postgres.internal.physical.WalNames;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where recovery of a restored base backup stops: the end of the archived WAL, a moment, a WAL
 * location, a named restore point ({@code pg_create_restore_point}) or the first consistent point
 * ({@code immediate}). Recovery then promotes the server. Immutable and thread-safe.
 */
public final class RecoveryTarget {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

  private final String setting;
  private final String value;

  private RecoveryTarget(String setting, String value) {
    this.setting = setting;
    this.value = value;
  }

  /** {@return replay every archived WAL file, then promote} */
  public static RecoveryTarget end() {
    return new RecoveryTarget(null, null);
  }

  /**
   * {@return the target}
   *
   * @param time the moment; transactions committed after it are not replayed
   */
  public static RecoveryTarget time(Instant time) {
    return new RecoveryTarget(
        "recovery_target_time", TIME.format(requireNonNull(time, "null time")));
  }

  /**
   * {@return the target}
   *
   * @param lsn a WAL location, such as {@code 0/3000028}
   * @throws IllegalArgumentException if it is not a WAL location
   */
  public static RecoveryTarget lsn(String lsn) {
    return new RecoveryTarget(
        "recovery_target_lsn",
        WalNames.formatLsn(WalNames.parseLsn(requireNonNull(lsn, "null lsn"))));
  }

  /**
   * {@return the target}
   *
   * @param name a restore point made with {@code pg_create_restore_point(name)}
   * @throws IllegalArgumentException if blank
   */
  public static RecoveryTarget name(String name) {
    requireNonNull(name, "null name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("restore point name cannot be blank: '" + name + "'");
    }
    return new RecoveryTarget("recovery_target_name", name);
  }

  /** {@return stop as soon as the base backup is consistent} */
  public static RecoveryTarget immediate() {
    return new RecoveryTarget("recovery_target", "immediate");
  }

  /** {@return the recovery settings this target needs, in postgresql.conf terms} */
  Map<String, String> settings() {
    Map<String, String> settings = new LinkedHashMap<>();
    if (setting != null) {
      settings.put(setting, value);
      settings.put("recovery_target_action", "promote");
    }
    return settings;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RecoveryTarget t
        && Objects.equals(setting, t.setting)
        && Objects.equals(value, t.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(setting, value);
  }

  @Override
  public String toString() {
    return setting == null ? "end of archived WAL" : setting + " = '" + value + "'";
  }
}
