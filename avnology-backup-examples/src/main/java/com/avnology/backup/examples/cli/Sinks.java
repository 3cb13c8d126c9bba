package com.avnology.backup.examples.cli;

import com.avnology.backup.BackupSink;
import com.avnology.backup.FileSystemSink;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Turns a sink URI from the command line into a sink. */
final class Sinks {
  private Sinks() {}

  /**
   * @param uri {@code file:/path} (or {@code file:relative/path})
   * @return the sink
   * @throws IllegalArgumentException naming the URI and the forms accepted
   */
  static BackupSink open(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a sink URI: '" + uri + "'; use file:/path");
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme();
    switch (scheme) {
      case "file":
        String path = parsed.getPath() != null ? parsed.getPath() : parsed.getSchemeSpecificPart();
        return FileSystemSink.of(Path.of(path));
      case "s3":
        throw new IllegalArgumentException(
            "s3:// sinks are not available in this version yet; use file:/path");
      default:
        throw new IllegalArgumentException(
            "unsupported sink '" + uri + "': use file:/path, such as file:/var/backups");
    }
  }
}
