package com.avnology.backup.internal;

import com.avnology.backup.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;

/**
 * Decrypts the {@link ChunkCipher} format, handing out a chunk's plaintext only after its tag
 * checked. A changed, reordered, truncated or extended artifact throws {@link IntegrityException}
 * naming the artifact and the chunk. Not thread-safe.
 */
public final class DecryptingInputStream extends InputStream {
  private final InputStream in;
  private final SetKeys keys;
  private final String path;
  private SecretKey key;
  private final Cipher cipher;
  private byte[] header;
  private byte[] aad;
  private byte[] sealed;
  private byte[] plain;
  private int plainPos;
  private int plainLen;
  private long index;
  private int lookahead = -2; // -2: none read yet; -1: end; else a byte already read
  private boolean last;

  /**
   * @param in the stored bytes
   * @param keys the set's keys; the header says which one the artifact is under (its own, or the
   *     set's content key for sets written before per-artifact keys)
   * @param path the artifact's path in the set
   */
  public DecryptingInputStream(InputStream in, SetKeys keys, String path) {
    this.in = in;
    this.keys = keys;
    this.path = path;
    try {
      this.cipher = ChunkCipher.cipher();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available: " + e.getMessage(), e);
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (plainPos == plainLen) {
      if (last) {
        return -1;
      }
      nextChunk();
    }
    int n = Math.min(len, plainLen - plainPos);
    System.arraycopy(plain, plainPos, b, off, n);
    plainPos += n;
    return n;
  }

  private void readHeader() throws IOException {
    header = new byte[ChunkCipher.HEADER];
    int n = in.readNBytes(header, 0, header.length);
    if (n < header.length || !Arrays.equals(header, 0, 4, ChunkCipher.MAGIC, 0, 4)) {
      throw fail(
          "is not an encrypted artifact ("
              + (n < header.length ? "shorter than its header" : "bad magic bytes")
              + ")");
    }
    int chunk = ByteBuffer.wrap(header, 4, 4).getInt();
    if (chunk != ChunkCipher.CHUNK
        || (header[15] != ChunkCipher.SET_KEY && header[15] != ChunkCipher.ARTIFACT_KEY)) {
      throw fail("has an unknown chunk size or header flags");
    }
    key = header[15] == ChunkCipher.ARTIFACT_KEY ? keys.artifact(path) : keys.content();
    aad = ChunkCipher.aad(header, path);
    sealed = new byte[chunk + ChunkCipher.TAG];
    plain = new byte[chunk];
  }

  private void nextChunk() throws IOException {
    if (header == null) {
      readHeader();
    }
    int n = 0;
    if (lookahead >= 0) {
      sealed[0] = (byte) lookahead;
      n = 1;
    }
    n += in.readNBytes(sealed, n, sealed.length - n);
    if (n < ChunkCipher.TAG) {
      throw fail("is truncated at chunk " + index);
    }
    if (n < sealed.length) {
      last = true;
    } else {
      lookahead = in.read();
      last = lookahead < 0;
    }
    try {
      cipher.init(Cipher.DECRYPT_MODE, key, ChunkCipher.nonce(header, index, last));
      cipher.updateAAD(aad);
      plainLen = cipher.doFinal(sealed, 0, n, plain, 0);
    } catch (AEADBadTagException e) {
      throw fail(
          "fails authentication at chunk "
              + index
              + " ("
              + (last ? "last" : "not last")
              + "): it was changed, truncated or reordered after the backup, or the key is wrong");
    } catch (GeneralSecurityException e) {
      throw new IOException(
          "AES-GCM failed on chunk " + index + " of " + path + ": " + e.getMessage(), e);
    }
    plainPos = 0;
    index++;
  }

  private IntegrityException fail(String problem) {
    return new IntegrityException(
        "encrypted artifact "
            + path
            + " "
            + problem
            + ": the set is damaged; restore another set or repair the copy");
  }

  @Override
  public void close() throws IOException {
    if (plain != null) {
      Arrays.fill(plain, (byte) 0);
    }
    in.close();
  }
}
