package com.avnology.backup;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of one check run after a restore: a target's built-in check (rows, objects, files
 * equal to what the backup recorded) or one the caller added.
 *
 * @param name what was checked, such as {@code postgres/main rows}
 * @param ok whether it passed
 * @param detail what was found, such as {@code 12 tables, 40512 rows as recorded}
 */
public record HealthCheck(String name, boolean ok, String detail) {
  /**
   * Checks for nulls.
   *
   * @param name what was checked, such as {@code postgres/main rows}
   * @param ok whether it passed
   * @param detail what was found, such as {@code 12 tables, 40512 rows as recorded}
   */
  public HealthCheck {
    requireNonNull(name, "null name");
    requireNonNull(detail, "null detail");
  }

  /**
   * {@return a passed check}
   *
   * @param name what was checked
   * @param detail what was found
   */
  public static HealthCheck passed(String name, String detail) {
    return new HealthCheck(name, true, detail);
  }

  /**
   * {@return a failed check}
   *
   * @param name what was checked
   * @param detail what was wrong
   */
  public static HealthCheck failed(String name, String detail) {
    return new HealthCheck(name, false, detail);
  }
}
