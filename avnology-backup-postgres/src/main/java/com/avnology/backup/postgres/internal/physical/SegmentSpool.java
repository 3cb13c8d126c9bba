package com.avnology.backup.postgres.internal.physical;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The segment a streamer is receiving, spooled to a temporary file so that memory stays bounded
 * whatever the segment size. Bytes arrive in WAL order; {@link #append} takes what fits in the
 * current segment. Not thread-safe; {@link #close()} deletes the file.
 */
public final class SegmentSpool implements AutoCloseable {
  private final int timeline;
  private final long segmentSize;
  private final Path file;
  private final FileChannel channel;
  private long segmentStart;
  private long written;

  /**
   * @param timeline the timeline being streamed
   * @param start where streaming starts: a segment boundary
   * @param segmentSize the server's wal_segment_size
   * @throws IllegalArgumentException if {@code start} is not a segment boundary
   */
  public SegmentSpool(int timeline, long start, long segmentSize) throws IOException {
    if (start % segmentSize != 0) {
      throw new IllegalArgumentException(
          "streaming must start at a segment boundary: " + WalNames.formatLsn(start));
    }
    this.timeline = timeline;
    this.segmentSize = segmentSize;
    this.segmentStart = start;
    this.file = Files.createTempFile("wal-stream-", ".spool");
    this.channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  /** {@return the WAL location after the last byte received} */
  public long position() {
    return segmentStart + written;
  }

  /** {@return the current segment's name} */
  public String segment() {
    return WalNames.segment(timeline, segmentStart, segmentSize);
  }

  /** {@return how many bytes of the current segment were received} */
  public long written() {
    return written;
  }

  /** {@return the spool file (the current segment's first {@link #written()} bytes)} */
  public Path file() {
    return file;
  }

  /** {@return whether the current segment is complete} */
  public boolean full() {
    return written == segmentSize;
  }

  /**
   * Appends as much of {@code data} as fits in the current segment.
   *
   * @param data WAL bytes starting at {@link #position()}; its position advances
   */
  public void append(ByteBuffer data) throws IOException {
    int n = (int) Math.min(data.remaining(), segmentSize - written);
    ByteBuffer part = data.slice().limit(n);
    while (part.hasRemaining()) {
      written += channel.write(part, written);
    }
    data.position(data.position() + n);
  }

  /** Starts the next segment, once the current one is {@link #full()} and stored. */
  public void next() throws IOException {
    segmentStart += segmentSize;
    written = 0;
    channel.truncate(0);
  }

  @Override
  public void close() throws IOException {
    try {
      channel.close();
    } finally {
      Files.deleteIfExists(file);
    }
  }
}
