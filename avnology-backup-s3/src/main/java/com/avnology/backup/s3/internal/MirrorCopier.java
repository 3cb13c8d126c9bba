package com.avnology.backup.s3.internal;

import com.avnology.backup.BackupException;
import com.avnology.backup.StorageException;
import com.avnology.backup.s3.MirrorAction;
import io.minio.GetObjectResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies objects from one bucket to another, any two servers, streaming each object (content type
 * and user metadata kept) with a number of copies in flight. A copy that fails part way is started
 * again from the source, per the retry policy.
 */
public final class MirrorCopier {
  private final S3Ops source;
  private final String sourcePrefix;
  private final S3Ops target;
  private final String targetPrefix;
  private final Retry retry;

  /**
   * @param source the source bucket, its calls not retried (this class retries whole copies)
   * @param sourcePrefix its prefix
   * @param target the destination bucket, its calls not retried
   * @param targetPrefix its prefix
   * @param retry how failed copies are retried
   */
  public MirrorCopier(
      S3Ops source, String sourcePrefix, S3Ops target, String targetPrefix, Retry retry) {
    this.source = source;
    this.sourcePrefix = sourcePrefix;
    this.target = target;
    this.targetPrefix = targetPrefix;
    this.retry = retry;
  }

  /**
   * {@return bytes copied}
   *
   * @param copies the COPY actions
   * @param parallelism how many copies run at once
   * @throws BackupException if a copy fails for good; copies not started yet are cancelled
   */
  public long copy(List<MirrorAction> copies, int parallelism) {
    AtomicLong bytes = new AtomicLong();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            parallelism,
            r -> {
              Thread t = new Thread(r, "avnology-mirror");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (MirrorAction a : copies) {
        futures.add(
            pool.submit(
                () -> {
                  bytes.addAndGet(copyOne(a.key()));
                  return null;
                }));
      }
      int done = 0;
      for (Future<?> f : futures) {
        try {
          f.get();
          done++;
        } catch (ExecutionException e) {
          futures.forEach(other -> other.cancel(true));
          Throwable cause = e.getCause();
          throw new StorageException(
              "mirror from "
                  + source.where()
                  + " to "
                  + target.where()
                  + " failed after copying "
                  + done
                  + " of "
                  + copies.size()
                  + " objects: "
                  + cause.getMessage(),
              cause);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new StorageException("mirror interrupted after copying " + done + " objects", e);
        }
      }
      return bytes.get();
    } finally {
      pool.shutdownNow();
    }
  }

  private long copyOne(String key) throws Exception {
    return retry.run(
        "copy " + key,
        () -> {
          try (GetObjectResponse in = source.get(sourcePrefix + key)) {
            long size = Long.parseLong(in.headers().get("Content-Length"));
            target.put(
                targetPrefix + key,
                in,
                size,
                in.headers().get("Content-Type"),
                ObjectMeta.userMetadata(in.headers()),
                ObjectMeta.standardHeaders(in.headers()));
            return size;
          }
        });
  }
}
