package com.avnology.backup.examples.cli;

import com.avnology.backup.BackupSink;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.s3.S3Sink;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** Turns a sink URI from the command line into a sink. */
final class Sinks {
  private Sinks() {}

  /**
   * @param uri {@code file:/path} (or {@code file:relative/path}), or {@code
   *     s3://bucket/prefix?endpoint=http://host:port} with credentials from the environment
   * @return the sink
   * @throws IllegalArgumentException naming the URI and the forms accepted
   */
  static BackupSink open(String uri) {
    URI parsed;
    try {
      parsed = new URI(uri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "not a sink URI: '"
              + uri
              + "'; use file:/path or"
              + " s3://bucket/prefix?endpoint=http://host:port");
    }
    String scheme = parsed.getScheme() == null ? "" : parsed.getScheme();
    switch (scheme) {
      case "file" -> {
        String path = parsed.getPath() != null ? parsed.getPath() : parsed.getSchemeSpecificPart();
        return FileSystemSink.of(Path.of(path));
      }
      case "s3" -> {
        S3Uri s3 = S3Uri.parse(uri);
        return S3Sink.builder(s3.endpoint(), s3.bucket())
            .credentials(S3Uri.credentials())
            .region(s3.region())
            .prefix(s3.prefix())
            .build();
      }
      default ->
          throw new IllegalArgumentException(
              "unsupported sink '"
                  + uri
                  + "': use file:/path, such as file:/var/backups, or"
                  + " s3://bucket/prefix?endpoint=http://host:port");
    }
  }
}
