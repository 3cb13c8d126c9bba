package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.archive.ArchiveFormatException;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocFile;
import com.avnology.backup.postgres.internal.archive.TocReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;

/**
 * The files of one directory-format archive, wherever they live; or another archive format
 * presented the same way (a TOC plus one data stream per entry, named as the TOC names it).
 * Implementations are safe for concurrent {@link #openData} calls.
 */
public interface ArchiveSource {
  /**
   * {@return the raw bytes of {@code toc.dat}}
   *
   * @throws IOException if it cannot be read
   */
  InputStream openToc() throws IOException;

  /**
   * {@return the archive's header and TOC; by default {@link #openToc()} read by {@link TocReader}}
   *
   * @throws IOException if it cannot be read or is not a valid TOC
   */
  default TocFile toc() throws IOException {
    // TocReader reads a byte or an int at a time: unbuffered, each would be a read from storage
    // (a system call per byte from a file sink; 0.3 s for the TOC of 2,300 entries)
    try (InputStream in = new java.io.BufferedInputStream(openToc(), 65536)) {
      return TocReader.read(in);
    }
  }

  /**
   * {@return its decompressed bytes, whichever suffix it has on storage}
   *
   * @param dataFile a data file name as the TOC stores it, such as {@code 1234.dat}
   * @throws IOException if it cannot be read or does not exist
   */
  InputStream openData(String dataFile) throws IOException;

  /**
   * {@return its stored size, to load big tables first; 0 if unknown}
   *
   * @param dataFile a data file name as the TOC stores it
   */
  default long dataSize(String dataFile) {
    return 0;
  }

  /** {@return where the archive is, for messages} */
  String describe();

  /** Receives one large object's contents. */
  @FunctionalInterface
  interface LargeObjectSink {
    /**
     * Receives one large object's data.
     *
     * @param oid the object's oid
     * @param data its bytes, never transcoded; valid during the call only
     */
    void accept(long oid, InputStream data) throws IOException, SQLException;
  }

  /**
   * Streams a BLOBS entry's large objects in archive order. By default as a directory or tar
   * archive holds them: {@code blobs.toc} lists {@code <oid> blob_<oid>.dat}, each a data file.
   *
   * @param blobs the BLOBS entry
   * @param sink what receives each object
   * @throws IOException if the archive cannot be read
   * @throws SQLException as the sink throws it
   */
  default void largeObjects(TocEntry blobs, LargeObjectSink sink) throws IOException, SQLException {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(openData(BLOBS_TOC), StandardCharsets.US_ASCII))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.strip().split(" ", 2);
        long oid;
        try {
          oid = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
          throw new ArchiveFormatException(
              "invalid line in " + BLOBS_TOC + " of " + describe() + ": " + line);
        }
        if (parts.length < 2 || parts[1].contains("/") || oid <= 0 || oid > 0xFFFFFFFFL) {
          throw new ArchiveFormatException(
              "invalid line in " + BLOBS_TOC + " of " + describe() + ": " + line);
        }
        try (InputStream in = openData(parts[1])) {
          sink.accept(oid, in);
        }
      }
    }
  }

  /** The file of a directory or tar archive that lists its large objects. */
  String BLOBS_TOC = "blobs.toc";
}
