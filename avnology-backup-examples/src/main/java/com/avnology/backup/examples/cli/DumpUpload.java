package com.avnology.backup.examples.cli;

import com.avnology.backup.StorageException;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Streams what a writer produces into one S3 object (a multipart upload of unknown size), so a
 * {@code .dump} for {@code backup --format custom --to s3://…} is one object with one presigned
 * URL. A writer that fails leaves no object: the upload is never completed.
 */
final class DumpUpload {
  private static final int PART = 16 * 1024 * 1024;

  private final S3Uri target;
  private final MinioClient client;

  DumpUpload(S3Uri target) {
    if (target.prefix().isEmpty() || target.prefix().endsWith("/")) {
      throw new IllegalArgumentException(
          "--format custom uploads one object: give its key, such"
              + " as s3://"
              + target.bucket()
              + "/exports/app.dump?endpoint=…, not '"
              + target.prefix()
              + "'");
    }
    this.target = target;
    this.client = target.client();
  }

  /** {@return whether the object exists already} */
  boolean exists() {
    try {
      client.statObject(
          StatObjectArgs.builder().bucket(target.bucket()).object(target.prefix()).build());
      return true;
    } catch (ErrorResponseException e) {
      if ("NoSuchKey".equals(e.errorResponse().code())
          || "NoSuchObject".equals(e.errorResponse().code())) {
        return false;
      }
      throw failed("cannot check", e);
    } catch (Exception e) {
      throw failed("cannot check", e);
    }
  }

  /**
   * {@return the object's size}
   *
   * @param writer writes the object's bytes; runs on the calling thread
   */
  long upload(Consumer<OutputStream> writer) {
    AtomicBoolean writerFailed = new AtomicBoolean();
    AtomicReference<Exception> uploadFailure = new AtomicReference<>();
    PipedInputStream pipeIn = new PipedInputStream(1 << 20);
    PipedOutputStream pipeOut;
    try {
      pipeOut = new PipedOutputStream(pipeIn);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    CountingInput in = new CountingInput(pipeIn, writerFailed);
    Thread uploader =
        new Thread(
            () -> {
              try {
                client.putObject(
                    PutObjectArgs.builder()
                        .bucket(target.bucket())
                        .object(target.prefix())
                        .contentType("application/octet-stream")
                        .stream(in, -1, PART)
                        .build());
              } catch (Exception e) {
                uploadFailure.set(e);
              } finally {
                try {
                  pipeIn.close(); // a writer blocked on a full pipe gets "Pipe closed"
                } catch (IOException ignored) {
                  // nothing to release
                }
              }
            },
            "avnology-upload");
    uploader.start();
    RuntimeException writeFailure = null;
    try {
      writer.accept(pipeOut);
    } catch (RuntimeException e) {
      writerFailed.set(true);
      writeFailure = e;
    } finally {
      try {
        pipeOut.close();
      } catch (IOException ignored) {
        // the reader closed first; its failure is reported
      }
    }
    try {
      uploader.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException(
          "interrupted while uploading " + target + "; no object was" + " written");
    }
    Exception upload = uploadFailure.get();
    // an upload that failed on its own made the writer fail ("Pipe closed"): report the upload
    if (writeFailure != null && (upload == null || in.sawWriterFailure)) {
      throw writeFailure;
    }
    if (upload != null) {
      throw failed("upload failed, no object was written to", upload);
    }
    return in.count;
  }

  /** {@return a GET URL of the object, valid this long} */
  String presign(Duration validity) {
    if (validity.compareTo(Duration.ofDays(7)) > 0 || validity.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "--presign takes 1s to 7d (the S3 limit), not " + validity);
    }
    try {
      return client.getPresignedObjectUrl(
          GetPresignedObjectUrlArgs.builder()
              .method(Method.GET)
              .bucket(target.bucket())
              .object(target.prefix())
              .expiry((int) validity.toSeconds())
              .build());
    } catch (Exception e) {
      throw failed("cannot presign", e);
    }
  }

  private StorageException failed(String what, Exception e) {
    String detail =
        e instanceof ErrorResponseException r
            ? r.errorResponse().code() + " " + r.errorResponse().message()
            : e.toString();
    return new StorageException(what + " " + target + ": " + detail, e);
  }

  /** Counts bytes, and fails the upload instead of ending it when the writer failed. */
  private static final class CountingInput extends FilterInputStream {
    private final AtomicBoolean writerFailed;
    long count;
    boolean sawWriterFailure;

    CountingInput(InputStream in, AtomicBoolean writerFailed) {
      super(in);
      this.writerFailed = writerFailed;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b < 0) {
        endOfStream();
      } else {
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] buf, int off, int len) throws IOException {
      int n = super.read(buf, off, len);
      if (n < 0) {
        endOfStream();
      } else {
        count += n;
      }
      return n;
    }

    private void endOfStream() throws IOException {
      if (writerFailed.get()) {
        sawWriterFailure = true;
        throw new IOException("the export failed; the upload is abandoned");
      }
    }
  }
}
