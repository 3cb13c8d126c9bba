package com.avnology.backup.postgres.internal.interop;

import com.avnology.backup.postgres.internal.archive.ArchiveFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads a byte range of a file through its own channel, so that any number of ranges of one file
 * can be read at once. Not thread-safe (one reader per stream).
 */
final class FileRange extends InputStream {
  private final FileChannel channel;
  private final String what;
  private long position;
  private final long end;
  private final boolean exact;

  private FileRange(FileChannel channel, long position, long end, boolean exact, String what) {
    this.channel = channel;
    this.position = position;
    this.end = end;
    this.exact = exact;
    this.what = what;
  }

  /**
   * @param file the file
   * @param position where to start
   * @param length how many bytes the range holds; reaching the end of the file first is an error
   * @param what the range's name, for messages
   * @return the stream; the caller closes it
   * @throws IOException if the file cannot be opened
   */
  static FileRange of(Path file, long position, long length, String what) throws IOException {
    return new FileRange(
        FileChannel.open(file, StandardOpenOption.READ), position, position + length, true, what);
  }

  /**
   * @param file the file
   * @param position where to start; reading goes on to the end of the file
   * @return the stream; the caller closes it
   * @throws IOException if the file cannot be opened
   */
  static FileRange from(Path file, long position) throws IOException {
    return new FileRange(
        FileChannel.open(file, StandardOpenOption.READ),
        position,
        Long.MAX_VALUE,
        false,
        file.toString());
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
    long left = end - position;
    if (left <= 0) {
      return -1;
    }
    int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, left)), position);
    if (n < 0) {
      if (exact) {
        throw new ArchiveFormatException(
            what
                + " is truncated: file ends at byte "
                + position
                + ", "
                + left
                + " bytes before the end of the member");
      }
      return -1;
    }
    position += n;
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    // never past the end of the file, so that a truncated file shows on the next read
    long k = Math.max(0, Math.min(n, Math.min(end, channel.size()) - position));
    position += k;
    return k;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
