package com.avnology.backup.internal;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Counts and hashes what passes through to the underlying stream; on close, after the underlying
 * stream closed successfully, hands size and SHA-256 to a callback. Not thread-safe.
 */
final class HashingOutputStream extends FilterOutputStream {
  /** Receives an artifact's final size and hash. */
  @FunctionalInterface
  public interface Done {
    /**
     * Receives the size and hash of what was written.
     *
     * @param size bytes written
     * @param sha256 lowercase hex SHA-256
     */
    void accept(long size, String sha256);
  }

  private final MessageDigest digest = Sha256.digest();
  private final LongConsumer progress;
  private final Done done;
  private long size;
  private boolean closed;

  /**
   * @param out the stream to write to
   * @param progress told of every byte count written
   * @param done told of size and hash once the stream closed cleanly
   */
  public HashingOutputStream(OutputStream out, LongConsumer progress, Done done) {
    super(out);
    this.progress = progress;
    this.done = done;
  }

  @Override
  public void write(int b) throws IOException {
    out.write(b);
    digest.update((byte) b);
    size++;
    progress.accept(1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    out.write(b, off, len);
    digest.update(b, off, len);
    size += len;
    progress.accept(len);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    out.close();
    done.accept(size, Sha256.hex(digest));
  }
}
