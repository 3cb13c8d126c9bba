package com.avnology.backup.s3.internal;

import com.avnology.backup.BackupException;
import io.minio.messages.Part;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Streams one object to S3 holding at most one part in memory: the first full part starts a
 * multipart upload, each further part is uploaded (and retried) as it fills, and {@link #close()}
 * completes the upload. An object smaller than a part is written with one PUT. A failure aborts the
 * upload. Not thread-safe, like any stream.
 */
final class MultipartOutputStream extends OutputStream {
  /** Told when an upload starts and ends, so that an abort from elsewhere can find it. */
  public interface Tracker {
    /**
     * Called once an upload has started.
     *
     * @param key the object key
     * @param uploadId the upload started for it
     * @throws IOException if the set was aborted meanwhile
     */
    void started(String key, String uploadId) throws IOException;

    /**
     * Called once an upload is complete or abandoned.
     *
     * @param key the object key, now complete or abandoned
     */
    void ended(String key);

    /**
     * Checks that the set is still being written.
     *
     * @throws IOException if the set was aborted, so writing on is pointless
     */
    void checkWritable() throws IOException;

    /**
     * Writes an object smaller than a part with one PUT, now or in the background; the stream gives
     * {@code data} up.
     *
     * @param key the object key
     * @param data its bytes, from index 0
     * @param length how many
     * @throws IOException if the set was aborted or an earlier background PUT failed
     */
    void put(String key, byte[] data, int length) throws IOException;
  }

  private static final int FIRST_BUFFER = 64 * 1024;

  private final S3Ops ops;
  private final String key;
  private final int partSize;
  private final Tracker tracker;
  private final List<Part> parts = new ArrayList<>();
  private byte[] buffer = new byte[FIRST_BUFFER];
  private int length;
  private String uploadId;
  private boolean closed;
  private IOException failure;

  /**
   * @param ops the bucket
   * @param key the object key
   * @param partSize bytes per part, 5 MiB or more
   * @param tracker told of the upload
   */
  public MultipartOutputStream(S3Ops ops, String key, int partSize, Tracker tracker) {
    this.ops = ops;
    this.key = key;
    this.partSize = partSize;
    this.tracker = tracker;
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    checkOpen();
    while (len > 0) {
      if (length == buffer.length && buffer.length < partSize) {
        buffer = Arrays.copyOf(buffer, Math.min(partSize, buffer.length * 2));
      }
      int n = Math.min(len, buffer.length - length);
      System.arraycopy(b, off, buffer, length, n);
      length += n;
      off += n;
      len -= n;
      if (length == partSize) {
        uploadPart();
      }
    }
  }

  private void uploadPart() throws IOException {
    try {
      if (uploadId == null) {
        uploadId = ops.createUpload(key);
        tracker.started(key, uploadId);
      }
      int number = parts.size() + 1;
      parts.add(new Part(number, ops.uploadPart(key, uploadId, number, buffer, length)));
      length = 0;
    } catch (BackupException | IOException e) {
      throw fail(e);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    checkOpen();
    try {
      if (uploadId == null) {
        tracker.put(key, buffer, length);
      } else {
        if (length > 0) {
          uploadPart();
        }
        ops.completeUpload(key, uploadId, parts);
      }
    } catch (BackupException e) {
      throw fail(e);
    }
    closed = true;
    buffer = null;
    tracker.ended(key);
  }

  private void checkOpen() throws IOException {
    tracker.checkWritable();
    if (failure != null) {
      throw new IOException(
          "upload of " + key + " failed earlier: " + failure.getMessage(), failure);
    }
    if (closed) {
      throw new IOException("stream to " + key + " is closed");
    }
  }

  private IOException fail(Exception e) {
    failure =
        e instanceof IOException iOException ? iOException : new IOException(e.getMessage(), e);
    buffer = null;
    if (uploadId != null) {
      try {
        ops.abortUpload(key, uploadId);
      } catch (RuntimeException abort) {
        failure.addSuppressed(abort);
      }
    }
    tracker.ended(key);
    return failure;
  }
}
