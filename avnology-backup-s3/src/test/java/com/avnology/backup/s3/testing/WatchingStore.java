package com.avnology.backup.s3.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.PageSet;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.jclouds.blobstore.options.PutOptions;
import org.jclouds.blobstore.util.ForwardingBlobStore;
import org.jclouds.rest.AuthorizationException;

/**
 * A real store seen from the S3 server's side ({@link S3Server#start(java.nio.file.Path,
 * java.util.function.UnaryOperator)}): slows each PUT down by {@link #delay}, counts the PUTs
 * running at once, records the order in which they start (and how many had ended by then), refuses
 * the key ending in {@link #refuse} (HTTP 403, which is not retried), and counts the entries the
 * server's listings return.
 */
public final class WatchingStore extends ForwardingBlobStore {
  public final AtomicInteger running = new AtomicInteger();
  public final AtomicInteger most = new AtomicInteger();
  public final AtomicInteger ended = new AtomicInteger();
  public final List<String> started = Collections.synchronizedList(new ArrayList<>());
  public final List<Integer> endedBefore = Collections.synchronizedList(new ArrayList<>());
  public final AtomicInteger listed = new AtomicInteger();
  public volatile Duration delay = Duration.ZERO;
  public volatile String refuse;

  public WatchingStore(BlobStore real) {
    super(real);
  }

  @Override
  public String putBlob(String container, Blob blob) {
    return put(blob, () -> super.putBlob(container, blob));
  }

  @Override
  public String putBlob(String container, Blob blob, PutOptions options) {
    return put(blob, () -> super.putBlob(container, blob, options));
  }

  @Override
  public PageSet<? extends StorageMetadata> list(String container, ListContainerOptions options) {
    PageSet<? extends StorageMetadata> page = super.list(container, options);
    listed.addAndGet(page.size());
    return page;
  }

  private String put(Blob blob, Supplier<String> real) {
    String key = blob.getMetadata().getName();
    if (refuse != null && key.endsWith("/" + refuse)) {
      throw new AuthorizationException("refused " + key);
    }
    synchronized (started) {
      started.add(key);
      endedBefore.add(ended.get());
    }
    most.accumulateAndGet(running.incrementAndGet(), Math::max);
    try {
      Thread.sleep(delay.toMillis());
      return real.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      running.decrementAndGet();
      ended.incrementAndGet();
    }
  }
}
