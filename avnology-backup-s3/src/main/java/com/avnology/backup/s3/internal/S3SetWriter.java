package com.avnology.backup.s3.internal;

import com.avnology.backup.BackupNames;
import com.avnology.backup.BackupSink;
import com.avnology.backup.StorageException;
import io.minio.messages.Item;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one set of an S3 sink under {@code <prefix>sets/<id>/}: each artifact as a multipart
 * upload, {@code manifest.json} last. {@link #abort()} aborts the uploads still open and deletes
 * every object under the set's prefix. Thread-safe.
 */
public final class S3SetWriter implements BackupSink.SetWriter, MultipartOutputStream.Tracker {
  private static final Logger log = LoggerFactory.getLogger(S3SetWriter.class);

  private final S3Ops ops;
  private final String setId;
  private final String setPrefix;
  private final int partSize;
  private final Set<String> paths = ConcurrentHashMap.newKeySet();
  private final Map<String, String> openUploads = new ConcurrentHashMap<>();
  private volatile boolean published;
  private volatile boolean aborted;

  /**
   * @param ops the bucket
   * @param setId the set's id
   * @param setPrefix the set's key prefix, ending in {@code /}
   * @param partSize bytes per uploaded part
   */
  public S3SetWriter(S3Ops ops, String setId, String setPrefix, int partSize) {
    this.ops = ops;
    this.setId = setId;
    this.setPrefix = setPrefix;
    this.partSize = partSize;
  }

  @Override
  public OutputStream artifact(String path) {
    checkOpen();
    BackupNames.checkArtifactPath(path);
    if (path.equals(BackupSink.MANIFEST) || !paths.add(path)) {
      throw new IllegalArgumentException("artifact " + path + " already exists in set " + setId);
    }
    return new MultipartOutputStream(ops, setPrefix + path, partSize, this);
  }

  @Override
  public void started(String key, String uploadId) throws IOException {
    openUploads.put(key, uploadId);
    if (aborted) {
      throw new IOException("set " + setId + " was aborted");
    }
    // A run that dies leaves this upload open; servers that cannot list multipart uploads
    // (S3Proxy) would keep its parts for ever. The marker lets the next run abort it.
    byte[] body = key.getBytes(StandardCharsets.UTF_8);
    ops.put(UploadMarkers.key(setPrefix, uploadId), body, body.length);
  }

  @Override
  public void checkWritable() throws IOException {
    if (aborted || published) {
      throw new IOException(
          "set " + setId + " is already " + (published ? "published" : "aborted"));
    }
  }

  @Override
  public void ended(String key) {
    String uploadId = openUploads.remove(key);
    if (uploadId != null) {
      try {
        ops.remove(List.of(UploadMarkers.key(setPrefix, uploadId)));
      } catch (RuntimeException e) {
        log.debug("upload marker of {} not removed: {}", key, e.getMessage());
      }
    }
  }

  @Override
  public void publish(byte[] manifest) {
    checkOpen();
    byte[] copy = manifest.clone();
    ops.put(setPrefix + BackupSink.MANIFEST, copy, copy.length);
    published = true;
  }

  @Override
  public synchronized void abort() {
    if (published || aborted) {
      return;
    }
    aborted = true;
    StorageException failure = null;
    for (Map.Entry<String, String> upload : Map.copyOf(openUploads).entrySet()) {
      try {
        ops.abortUpload(upload.getKey(), upload.getValue());
        openUploads.remove(upload.getKey());
      } catch (RuntimeException e) {
        failure = add(failure, e);
      }
    }
    try {
      Set<String> keys = new TreeSet<>();
      for (Item item : ops.list(setPrefix)) {
        keys.add(item.objectName());
      }
      ops.remove(keys);
    } catch (RuntimeException e) {
      failure = add(failure, e);
    }
    if (failure != null) {
      throw failure;
    }
  }

  private StorageException add(StorageException failure, RuntimeException e) {
    if (failure == null) {
      failure =
          new StorageException(
              "set "
                  + setId
                  + " could not be fully removed from "
                  + ops.where()
                  + ": "
                  + e.getMessage()
                  + "; it is never listed, and the next backup"
                  + " to this sink removes it once it is stale",
              e);
    } else {
      failure.addSuppressed(e);
    }
    return failure;
  }

  @Override
  public void close() {
    try {
      abort();
    } catch (RuntimeException e) {
      log.warn("{}", e.getMessage());
    }
  }

  private void checkOpen() {
    if (published || aborted) {
      throw new IllegalStateException(
          "set " + setId + " is already " + (published ? "published" : "aborted"));
    }
  }
}
