package com.avnology.backup.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of this library, from the build. */
public final class LibraryVersion {
  private static final String VERSION = load();

  private LibraryVersion() {}

  /** {@return the version, such as {@code 0.1.0}} */
  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in =
        LibraryVersion.class.getResourceAsStream("/com/avnology/backup/version.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
