package com.avnology.backup;

import com.avnology.backup.internal.Names;

/**
 * The naming rules every sink and target follows: set ids, target names and artifact paths. For
 * implementations of {@link BackupSink} and {@link BackupTarget} outside this module.
 *
 * <p>Stateless and thread-safe.
 */
public final class BackupNames {
  private BackupNames() {}

  /**
   * {@return it, if it looks like an id this library makes}
   *
   * @param setId a set id from outside
   * @throws IllegalArgumentException otherwise, quoting it
   */
  public static String checkSetId(String setId) {
    return Names.checkSetId(setId);
  }

  /**
   * {@return whether it is a set id (anything else in a sink's folder is not a set)}
   *
   * @param name a name found in storage
   */
  public static boolean isSetId(String name) {
    try {
      Names.checkSetId(name);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * {@return it, if 1-63 of a-z, 0-9, '-' and '_'}
   *
   * @param what what the name is for, for the message, such as {@code "volume name"}
   * @param name a target name
   * @throws IllegalArgumentException otherwise, quoting it
   */
  public static String checkTargetName(String what, String name) {
    return Names.checkName(what, name);
  }

  /**
   * {@return it, if every segment is a plain file name}
   *
   * @param path a relative artifact path with '/' separators
   * @throws IllegalArgumentException otherwise, quoting it
   */
  public static String checkArtifactPath(String path) {
    return Names.checkArtifactPath(path);
  }
}
