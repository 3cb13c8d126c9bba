package com.avnology.backup.internal;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Set ids, target names and artifact paths: how they look and what is refused. */
public final class Names {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");
  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
  private static final Pattern SET_ID =
      Pattern.compile("[0-9]{8}T[0-9]{6}\\.[0-9]{3}Z-[0-9a-f]{6}");
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  private Names() {}

  /**
   * {@return a new set id, such as {@code 20261124T060000.000Z-7f3a9c}; ids sort by time}
   *
   * @param now the backup's start
   */
  public static String newSetId(Instant now) {
    byte[] suffix = new byte[3];
    RANDOM.nextBytes(suffix);
    return ID_TIME.format(now) + "-" + HexFormat.of().formatHex(suffix);
  }

  /**
   * {@return when its backup started (the id's timestamp), if it is a set id}
   *
   * @param setId a set id
   */
  public static java.util.Optional<Instant> startedAt(String setId) {
    if (!SET_ID.matcher(setId).matches()) {
      return java.util.Optional.empty();
    }
    try {
      return java.util.Optional.of(Instant.from(ID_TIME.parse(setId.substring(0, 20))));
    } catch (java.time.DateTimeException e) {
      return java.util.Optional.empty();
    }
  }

  /**
   * {@return it, if it looks like an id this library makes}
   *
   * @param setId a set id from outside
   * @throws IllegalArgumentException otherwise
   */
  public static String checkSetId(String setId) {
    if (!SET_ID.matcher(setId).matches()) {
      throw new IllegalArgumentException(
          "not a backup set id: '"
              + setId
              + "'; ids look like 20261124T060000.000Z-7f3a9c"
              + " (list the sink to see them)");
    }
    return setId;
  }

  /**
   * {@return it, if valid}
   *
   * @param what what the name is for, for the message
   * @param name a target name
   * @throws IllegalArgumentException if it is not 1-63 of a-z, 0-9, '-' and '_'
   */
  public static String checkName(String what, String name) {
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " must be 1 to 63 characters of a-z, 0-9, '-' and '_', starting with a letter"
              + " or digit: '"
              + name
              + "'");
    }
    return name;
  }

  /**
   * {@return it, if every segment is a plain file name}
   *
   * @param path a relative artifact path with '/' separators
   * @throws IllegalArgumentException if it is empty, absolute, or has '.', '..' or odd characters
   */
  public static String checkArtifactPath(String path) {
    if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
      throw new IllegalArgumentException("not a relative artifact path: '" + path + "'");
    }
    for (String segment : path.split("/", -1)) {
      if (!SEGMENT.matcher(segment).matches()) {
        throw new IllegalArgumentException(
            "artifact path '"
                + path
                + "' has a bad segment '"
                + segment
                + "': use letters, digits, '.', '-' and '_', not starting with '.'");
      }
    }
    return path;
  }
}
