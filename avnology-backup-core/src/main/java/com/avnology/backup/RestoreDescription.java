package com.avnology.backup;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a {@link RestorePlan} would do, step by step: the dry run.
 *
 * @param setId the set the plan restores
 * @param steps in the order they would run
 */
public record RestoreDescription(String setId, List<Step> steps) {
  /**
   * Copies the steps.
   *
   * @param setId the set the plan restores
   * @param steps in the order they would run
   */
  public RestoreDescription {
    requireNonNull(setId, "null setId");
    steps = List.copyOf(steps);
  }

  /**
   * One step.
   *
   * @param target the target, as {@code kind/name}
   * @param source where its data comes from
   * @param artifacts how many stored artifacts it reads
   * @param bytes their stored size
   * @param destination where it goes and what it would drop or overwrite there
   */
  public record Step(String target, String source, int artifacts, long bytes, String destination) {
    /**
     * Checks for nulls.
     *
     * @param target the target, as {@code kind/name}
     * @param source where its data comes from
     * @param artifacts how many stored artifacts it reads
     * @param bytes their stored size
     * @param destination where it goes and what it would drop or overwrite there
     */
    public Step {
      requireNonNull(target, "null target");
      requireNonNull(source, "null source");
      requireNonNull(destination, "null destination");
    }
  }

  /**
   * @return one line for the plan and two per step, as the CLI's dry run prints them
   */
  @Override
  public String toString() {
    StringBuilder b =
        new StringBuilder("restore set ")
            .append(setId)
            .append(", ")
            .append(steps.size())
            .append(steps.size() == 1 ? " step" : " steps")
            .append(':');
    int n = 1;
    for (Step s : steps) {
      b.append(System.lineSeparator())
          .append("  ")
          .append(n++)
          .append(". ")
          .append(s.target())
          .append(" from ")
          .append(s.source())
          .append(" (")
          .append(s.artifacts())
          .append(s.artifacts() == 1 ? " artifact, " : " artifacts, ")
          .append(s.bytes())
          .append(" bytes)")
          .append(System.lineSeparator())
          .append("     into ")
          .append(s.destination());
    }
    return b.toString();
  }
}
