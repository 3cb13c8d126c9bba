package com.avnology.backup.internal;

import com.avnology.backup.IntegrityException;
import com.avnology.backup.Manifest;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.util.function.LongConsumer;

/**
 * Hashes what is read and, at end of stream, throws {@link IntegrityException} naming the artifact
 * if size or SHA-256 differ from the manifest. Reading past the recorded size fails at once. Not
 * thread-safe. Closing reads the rest first, so a decoder that stops before the end still gets the
 * check.
 */
final class VerifyingInputStream extends FilterInputStream {
  private final Manifest.Artifact artifact;
  private final MessageDigest digest = Sha256.digest();
  private final LongConsumer progress;
  private long size;
  private boolean checked;

  /**
   * @param in the stored bytes
   * @param artifact what the manifest recorded for them
   * @param progress told of every byte count read
   */
  public VerifyingInputStream(InputStream in, Manifest.Artifact artifact, LongConsumer progress) {
    super(in);
    this.artifact = artifact;
    this.progress = progress;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      check();
      return -1;
    }
    digest.update(b, off, n);
    size += n;
    progress.accept(n);
    if (size > artifact.size()) {
      throw IntegrityProblems.exception(
          artifact, "is longer than the " + artifact.size() + " bytes recorded");
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buffer = new byte[8192];
    long skipped = 0;
    while (skipped < n) {
      int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
      if (r < 0) {
        break;
      }
      skipped += r;
    }
    return skipped;
  }

  /** Reads what is left, so that a reader that stops early still gets the check, then closes. */
  @Override
  public void close() throws IOException {
    try {
      if (!checked) {
        skip(Long.MAX_VALUE);
        check();
      }
    } finally {
      in.close();
    }
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void check() {
    if (checked) {
      return;
    }
    checked = true;
    String problem = IntegrityProblems.compare(artifact, size, Sha256.hex(digest));
    if (!problem.isEmpty()) {
      throw IntegrityProblems.exception(artifact, problem);
    }
  }
}
