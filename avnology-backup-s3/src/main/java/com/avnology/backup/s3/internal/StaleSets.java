package com.avnology.backup.s3.internal;

import com.avnology.backup.BackupException;
import com.avnology.backup.BackupSink;
import io.minio.messages.Item;
import io.minio.messages.Upload;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what failed or killed runs left under {@code <prefix>sets/}: incomplete multipart uploads
 * started before a cut-off, and the objects of unpublished sets whose id (a timestamp) is before
 * it. A younger unpublished set may be a run in progress and is left alone.
 */
public final class StaleSets {
  private static final Logger log = LoggerFactory.getLogger(StaleSets.class);
  private static final DateTimeFormatter ID_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  private StaleSets() {}

  /**
   * Cleans up; failures are logged, never thrown, so a backup is not stopped by them.
   *
   * @param ops the bucket
   * @param setsPrefix {@code <prefix>sets/}
   * @param cutoff what started before this is stale
   * @return how many uploads were aborted and objects deleted
   */
  public static int clean(S3Ops ops, String setsPrefix, Instant cutoff) {
    int removed = 0;
    try {
      removed += abortUploads(ops, setsPrefix, cutoff);
      removed += deleteUnpublished(ops, setsPrefix, cutoff);
    } catch (BackupException e) {
      log.warn("could not clean up stale uploads in {}: {}", ops.where(), e.getMessage());
    }
    return removed;
  }

  private static int abortUploads(S3Ops ops, String setsPrefix, Instant cutoff) {
    Optional<List<Upload>> uploads = ops.listUploads(setsPrefix);
    if (uploads.isEmpty()) {
      log.debug("{} cannot list multipart uploads; stale ones are not aborted", ops.where());
      return 0;
    }
    int aborted = 0;
    for (Upload u : uploads.get()) {
      if (u.initiated() == null || u.initiated().toInstant().isBefore(cutoff)) {
        log.info("aborting stale multipart upload of {} started {}", u.objectName(), u.initiated());
        ops.abortUpload(u.objectName(), u.uploadId());
        aborted++;
      }
    }
    return aborted;
  }

  private static int deleteUnpublished(S3Ops ops, String setsPrefix, Instant cutoff) {
    // the sets' prefixes, then the manifests of those old enough, then the objects of those
    // without one: requests in proportion to the sets, not to every object of every set
    Map<String, String> manifests = new HashMap<>();
    for (String setPrefix : ops.listPrefixes(setsPrefix)) {
      String id = setPrefix.substring(setsPrefix.length(), setPrefix.length() - 1);
      Optional<Instant> started = started(id);
      if (started.isPresent() && started.get().isBefore(cutoff)) {
        manifests.put(setPrefix + BackupSink.MANIFEST, setPrefix);
      }
    }
    Set<String> published = ops.existing(manifests.keySet());
    List<String> stale = new ArrayList<>();
    manifests.forEach(
        (manifest, setPrefix) -> {
          if (!published.contains(manifest)) {
            List<String> keys = ops.list(setPrefix).stream().map(Item::objectName).toList();
            log.info(
                "deleting {} objects of unpublished set {}",
                keys.size(),
                setPrefix.substring(setsPrefix.length(), setPrefix.length() - 1));
            keys.forEach(key -> UploadMarkers.abort(ops, key));
            stale.addAll(keys);
          }
        });
    ops.remove(stale);
    return stale.size();
  }

  /**
   * {@return when its backup started, if it is a set id}
   *
   * @param setId a set id
   */
  public static Optional<Instant> started(String setId) {
    if (setId.length() < 20) {
      return Optional.empty();
    }
    try {
      return Optional.of(Instant.from(ID_TIME.parse(setId.substring(0, 20))));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }
}
