package com.avnology.backup.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * Encrypts what is written into the {@link ChunkCipher} format. A chunk is sealed once it is full
 * and more bytes follow; {@link #close()} seals the last one. Not thread-safe.
 */
public final class EncryptingOutputStream extends OutputStream {
  private final OutputStream out;
  private final SecretKey key;
  private final byte[] header;
  private final byte[] aad;
  private final byte[] plain = new byte[ChunkCipher.CHUNK];
  private final byte[] sealed = new byte[ChunkCipher.CHUNK + ChunkCipher.TAG];
  private final Cipher cipher;
  private int pos;
  private long index;
  private boolean started;
  private boolean closed;

  /**
   * Encrypts under the artifact's own key ({@link SetKeys#artifact(String)}).
   *
   * @param out where the encrypted bytes go
   * @param keys the set's keys
   * @param path the artifact's path in the set, bound to every chunk and to its key
   * @throws IllegalStateException if AES-GCM is unavailable
   */
  public EncryptingOutputStream(OutputStream out, SetKeys keys, String path) {
    this(out, keys.artifact(path), ChunkCipher.ARTIFACT_KEY, path);
  }

  /**
   * Encrypts as sets were before per-artifact keys, under the set's content key: for tests that
   * check such sets stay readable.
   *
   * @param out where the encrypted bytes go
   * @param keys the set's keys
   * @param path the artifact's path in the set, bound to every chunk
   * @return the stream
   */
  static EncryptingOutputStream setWide(OutputStream out, SetKeys keys, String path) {
    return new EncryptingOutputStream(out, keys.content(), ChunkCipher.SET_KEY, path);
  }

  private EncryptingOutputStream(OutputStream out, SecretKey key, byte flags, String path) {
    this.out = out;
    this.key = key;
    this.header = ChunkCipher.newHeader(flags);
    this.aad = ChunkCipher.aad(header, path);
    try {
      this.cipher = ChunkCipher.cipher();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    while (len > 0) {
      if (pos == plain.length) {
        seal(false);
      }
      int n = Math.min(len, plain.length - pos);
      System.arraycopy(b, off, plain, pos, n);
      pos += n;
      off += n;
      len -= n;
    }
  }

  private void seal(boolean last) throws IOException {
    if (!started) {
      out.write(header);
      started = true;
    }
    try {
      cipher.init(Cipher.ENCRYPT_MODE, key, ChunkCipher.nonce(header, index, last));
      cipher.updateAAD(aad);
      int n = cipher.doFinal(plain, 0, pos, sealed, 0);
      out.write(sealed, 0, n);
    } catch (GeneralSecurityException e) {
      throw new IOException("AES-GCM failed on chunk " + index + ": " + e.getMessage(), e);
    }
    index++;
    pos = 0;
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  /** Seals the last chunk, then closes the underlying stream. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      seal(true);
    } finally {
      java.util.Arrays.fill(plain, (byte) 0);
      out.close();
    }
  }
}
