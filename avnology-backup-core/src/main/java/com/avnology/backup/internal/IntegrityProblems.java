package com.avnology.backup.internal;

import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;

/** Words for integrity failures, shared by verification and restore. */
public final class IntegrityProblems {
  private IntegrityProblems() {}

  /**
   * {@return what differs, or {@code ""} if nothing does}
   *
   * @param artifact what the manifest recorded
   * @param size the size found
   * @param sha256 the hash found
   */
  public static String compare(Manifest.Artifact artifact, long size, String sha256) {
    if (size != artifact.size()) {
      return "is "
          + size
          + " bytes, the manifest recorded "
          + artifact.size()
          + (size < artifact.size() ? " (truncated)" : "");
    }
    if (!sha256.equals(artifact.sha256())) {
      return "has SHA-256 "
          + sha256
          + ", the manifest recorded "
          + artifact.sha256()
          + " (corrupted)";
    }
    return "";
  }

  /**
   * {@return an exception naming the artifact and the way out}
   *
   * @param artifact the failing artifact
   * @param problem what is wrong with it
   */
  public static IntegrityException exception(Manifest.Artifact artifact, String problem) {
    return new IntegrityException(
        "artifact "
            + artifact.path()
            + " "
            + problem
            + ": the set is damaged; restore another set or repair the copy");
  }
}
