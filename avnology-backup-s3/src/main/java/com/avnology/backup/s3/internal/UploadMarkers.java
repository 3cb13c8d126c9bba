package com.avnology.backup.s3.internal;

import com.avnology.backup.BackupException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marker objects {@code <set prefix>.uploads/<hex upload id>} holding the key of a multipart upload
 * in progress, so that the next run can abort the uploads of a run that died even on servers that
 * cannot list multipart uploads. Artifact paths never start with '.', so markers never collide.
 */
final class UploadMarkers {
  private static final Logger log = LoggerFactory.getLogger(UploadMarkers.class);
  static final String FOLDER = ".uploads/";

  private UploadMarkers() {}

  /**
   * {@return the marker's key}
   *
   * @param setPrefix the set's key prefix, ending in '/'
   * @param uploadId a multipart upload id
   */
  public static String key(String setPrefix, String uploadId) {
    return setPrefix + FOLDER + HexFormat.of().formatHex(uploadId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Aborts the upload a marker names; failures are logged (the upload may be gone already).
   *
   * @param ops the bucket
   * @param markerKey a marker's key
   * @return whether the key was a marker
   */
  public static boolean abort(S3Ops ops, String markerKey) {
    int at = markerKey.indexOf("/" + FOLDER);
    if (at < 0) {
      return false;
    }
    Optional<String> uploadId = decode(markerKey.substring(at + 1 + FOLDER.length()));
    if (uploadId.isEmpty()) {
      return false;
    }
    try (var in = ops.get(markerKey)) {
      String objectKey = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      log.info("aborting multipart upload {} of {} left by a dead run", uploadId.get(), objectKey);
      ops.abortUpload(objectKey, uploadId.get());
    } catch (java.io.IOException | BackupException e) {
      log.debug("upload named by {} not aborted: {}", markerKey, e.getMessage());
    }
    return true;
  }

  private static Optional<String> decode(String hex) {
    try {
      return Optional.of(new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
