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
 * upload, or with one PUT if it is smaller than a part, {@code manifest.json} last. {@link
 * #abort()} aborts the uploads still open and deletes every object under the set's prefix.
 * Thread-safe.
 *
 * <p>An artifact of at most {@value #BACKGROUND_MAX} bytes is PUT in the background, by up to
 * {@value #BACKGROUND_PUTS} threads, and the backup goes on meanwhile: a database of many small
 * tables makes hundreds of such artifacts, and one PUT after the other, each a round trip, is what
 * a backup to a distant store would wait for. {@link #publish} waits for every one and fails,
 * before the manifest exists, if one did; the first failure also fails the next artifact written or
 * closed, so that the backup stops early. At most {@value #BACKGROUND_PUTS} such artifacts are held
 * in memory: a writer that would hold more waits.
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

  /** The largest artifact PUT in the background. */
  static final int BACKGROUND_MAX = 1 << 20;

  /** How many PUTs run in the background at most, and how many artifacts wait in memory. */
  static final int BACKGROUND_PUTS = 8;

  private final java.util.concurrent.Semaphore inFlight =
      new java.util.concurrent.Semaphore(BACKGROUND_PUTS);
  private final List<java.util.concurrent.Future<?>> puts =
      java.util.Collections.synchronizedList(new java.util.ArrayList<>());
  private java.util.concurrent.ExecutorService putter;
  private final java.util.concurrent.atomic.AtomicReference<IOException> putFailure =
      new java.util.concurrent.atomic.AtomicReference<>();

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
    IOException failed = putFailure.get();
    if (failed != null) {
      throw new IOException(failed.getMessage(), failed);
    }
  }

  @Override
  public void put(String key, byte[] data, int length) throws IOException {
    checkWritable();
    if (length > BACKGROUND_MAX) {
      ops.put(key, data, length);
      return;
    }
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted before writing " + key);
    }
    try {
      checkWritable(); // aborted, or a PUT failed, while this one waited
      puts.add(
          putter()
              .submit(
                  () -> {
                    try {
                      if (putFailure.get() == null && !aborted) {
                        ops.put(key, data, length);
                      }
                    } catch (RuntimeException e) {
                      putFailure.compareAndSet(null, new IOException(e.getMessage(), e));
                      throw e;
                    } finally {
                      inFlight.release();
                    }
                    return null;
                  }));
    } catch (IOException | RuntimeException e) {
      inFlight.release();
      throw e;
    }
  }

  private synchronized java.util.concurrent.ExecutorService putter() {
    if (putter == null) {
      putter =
          java.util.concurrent.Executors.newFixedThreadPool(
              BACKGROUND_PUTS,
              r -> {
                Thread t = new Thread(r, "avnology-s3-put");
                t.setDaemon(true);
                return t;
              });
    }
    return putter;
  }

  /**
   * Waits for every background PUT; {@return the first failure, or null}
   *
   * <p>Once it returns, no background PUT runs.
   */
  private RuntimeException awaitPuts() {
    RuntimeException failure = null;
    List<java.util.concurrent.Future<?>> pending;
    synchronized (puts) {
      pending = new java.util.ArrayList<>(puts);
      puts.clear();
    }
    boolean interrupted = false;
    for (java.util.concurrent.Future<?> f : pending) {
      while (true) {
        try {
          f.get();
          break;
        } catch (java.util.concurrent.ExecutionException e) {
          RuntimeException cause =
              e.getCause() instanceof RuntimeException r
                  ? r
                  : new StorageException(String.valueOf(e.getCause()), e.getCause());
          if (failure == null) {
            failure = cause;
          } else if (failure != cause) {
            failure.addSuppressed(cause);
          }
          break;
        } catch (InterruptedException e) {
          // the PUTs end on their own (retries are bounded); the set must not be published or
          // deleted under them
          interrupted = true;
        }
      }
    }
    synchronized (this) {
      if (putter != null) {
        putter.shutdown();
        putter = null;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    return failure;
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
    RuntimeException failed = awaitPuts();
    if (failed != null) {
      throw failed instanceof StorageException storage
          ? storage
          : new StorageException(
              "set " + setId + " was not published: " + failed.getMessage(), failed);
    }
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
    // the background PUTs end first: one that landed after the listing below would stay behind
    awaitPuts();
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
