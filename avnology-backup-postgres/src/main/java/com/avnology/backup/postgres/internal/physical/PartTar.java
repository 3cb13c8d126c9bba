package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.Compression;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One part of a physical backup: regular files as a tar stream, each hashed as it is copied. Files
 * that change while they are read are copied as far as their size at listing (WAL replay repairs
 * them); files that shrink are padded with zeros, as pg_basebackup does; files that vanish are
 * skipped. Not thread-safe: one per copying thread.
 */
final class PartTar implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PartTar.class);
  private static final int BUFFER = 128 * 1024;

  private final TarArchiveOutputStream tar;
  private final Counter counter;
  private final OutputStream compressed;
  private final boolean framed;
  private final String setId;
  private final int part;
  private final MessageDigest sha256 = Hashes.sha256();
  private final byte[] buffer = new byte[BUFFER];
  private long bytes;

  /**
   * @param out the part's artifact stream; closed by {@link #close()}
   * @param compression how to compress it
   * @param setId the set being written
   * @param part this part's number
   */
  public PartTar(OutputStream out, Compression compression, String setId, int part) {
    this.counter = new Counter(out);
    // a frame per file: a restore that needs a few files of a part decompresses only those
    this.compressed = compression.compressInFrames(counter);
    this.framed = compression.algorithm() != Compression.Algorithm.GZIP;
    this.tar = new TarArchiveOutputStream(compressed, 512, "UTF-8");
    this.tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    this.tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    this.setId = setId;
    this.part = part;
  }

  /** {@return file content bytes written so far} */
  public long bytes() {
    return bytes;
  }

  /**
   * {@return its list entry, or {@code null} if it vanished before it could be opened}
   *
   * @param item a regular file from the scan
   */
  public FileEntry file(DataDirectoryScan.Item item) throws IOException {
    InputStream in;
    try {
      in = Files.newInputStream(item.source(), LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      log.debug("{} vanished during the backup; WAL replay recreates it if needed", item.path());
      return null;
    }
    try (in) {
      return copy(in, item.path(), item.mode(), item.size(), item.mtime());
    }
  }

  /**
   * {@return its list entry, or {@code null} if it does not exist}
   *
   * @param source a file read now (the control file, WAL after the stop)
   * @param name its path in the data directory
   */
  public FileEntry file(Path source, String name) throws IOException {
    PosixFileAttributes attrs;
    try {
      attrs = Files.readAttributes(source, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    return file(
        new DataDirectoryScan.Item(
            'f',
            name,
            source,
            DataDirectoryScan.permissionBits(attrs.permissions()),
            attrs.size(),
            attrs.lastModifiedTime().toInstant()));
  }

  /**
   * {@return its list entry}
   *
   * @param name the entry's path
   * @param content its text
   */
  public FileEntry text(String name, String content) throws IOException {
    byte[] data = content.getBytes(StandardCharsets.UTF_8);
    return copy(new java.io.ByteArrayInputStream(data), name, 0600, data.length, Instant.now());
  }

  private FileEntry copy(InputStream in, String name, int mode, long size, Instant mtime)
      throws IOException {
    long offset = counter.count;
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setMode(0100000 | mode);
    entry.setSize(size);
    entry.setLastModifiedTime(FileTime.from(mtime));
    tar.putArchiveEntry(entry);
    long left = size;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        Arrays.fill(buffer, (byte) 0);
        n = (int) Math.min(buffer.length, left);
      }
      tar.write(buffer, 0, n);
      sha256.update(buffer, 0, n);
      left -= n;
    }
    tar.closeArchiveEntry();
    // ends the frame: the entry's records (512 bytes each, the last padded) are written through
    compressed.flush();
    bytes += size;
    return FileEntry.file(
        mode,
        size,
        mtime,
        HexFormat.of().formatHex(sha256.digest()),
        setId,
        part,
        framed ? offset : -1,
        framed ? counter.count - offset : -1,
        name);
  }

  /** Counts the compressed bytes; a flush stops here (the artifact's chunks stay whole). */
  private static final class Counter extends java.io.FilterOutputStream {
    private long count;

    Counter(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() {}
  }

  /** Finishes the tar stream and closes the output. */
  @Override
  public void close() throws IOException {
    try (tar) {
      tar.finish();
    }
  }
}
