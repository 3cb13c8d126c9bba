package com.avnology.backup;

import java.util.List;

/**
 * The outcome of checking every artifact of a set against its manifest.
 *
 * @param setId the set checked
 * @param checks one per artifact, in manifest order
 */
public record VerifyResult(String setId, List<Check> checks) {
  /**
   * Copies the list.
   *
   * @param setId the set checked
   * @param checks one per artifact, in manifest order
   */
  public VerifyResult {
    checks = List.copyOf(checks);
  }

  /** {@return true if every artifact matched} */
  public boolean ok() {
    return checks.stream().allMatch(Check::ok);
  }

  /** {@return the checks that failed} */
  public List<Check> failures() {
    return checks.stream().filter(c -> !c.ok()).toList();
  }

  /**
   * One artifact's check.
   *
   * @param artifact what the manifest recorded
   * @param problem what is wrong, or {@code ""} if the artifact matched
   */
  public record Check(Manifest.Artifact artifact, String problem) {
    /** {@return true if the artifact matched its size and SHA-256} */
    public boolean ok() {
      return problem.isEmpty();
    }
  }
}
