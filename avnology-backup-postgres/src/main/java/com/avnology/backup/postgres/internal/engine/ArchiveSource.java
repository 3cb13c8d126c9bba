package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.archive.TocFile;
import com.avnology.backup.postgres.internal.archive.TocReader;
import java.io.IOException;
import java.io.InputStream;

/**
 * The files of one directory-format archive, wherever they live; or another archive format
 * presented the same way (a TOC plus one data stream per entry, named as the TOC names it).
 * Implementations are safe for concurrent {@link #openData} calls.
 */
public interface ArchiveSource {
  /**
   * @return the raw bytes of {@code toc.dat}
   * @throws IOException if it cannot be read
   */
  InputStream openToc() throws IOException;

  /**
   * @return the archive's header and TOC; by default {@link #openToc()} read by {@link TocReader}
   * @throws IOException if it cannot be read or is not a valid TOC
   */
  default TocFile toc() throws IOException {
    try (InputStream in = openToc()) {
      return TocReader.read(in);
    }
  }

  /**
   * @param dataFile a data file name as the TOC stores it, such as {@code 1234.dat}
   * @return its decompressed bytes, whichever suffix it has on storage
   * @throws IOException if it cannot be read or does not exist
   */
  InputStream openData(String dataFile) throws IOException;

  /**
   * @param dataFile a data file name as the TOC stores it
   * @return its stored size, to load big tables first; 0 if unknown
   */
  default long dataSize(String dataFile) {
    return 0;
  }

  /** @return where the archive is, for messages */
  String describe();
}
