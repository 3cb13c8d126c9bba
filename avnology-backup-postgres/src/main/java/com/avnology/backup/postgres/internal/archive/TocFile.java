package com.avnology.backup.postgres.internal.archive;

import java.util.List;
import java.util.Objects;

/**
 * The content of a directory archive's {@code toc.dat}: header and entries in archive order.
 *
 * @param header the header
 * @param entries the entries, in the order pg_restore processes them
 */
public record TocFile(ArchiveHeader header, List<TocEntry> entries) {
  /**
   * Copies the list.
   *
   * @param header the header
   * @param entries the entries, in the order pg_restore processes them
   */
  public TocFile {
    Objects.requireNonNull(header, "header");
    entries = List.copyOf(entries);
  }
}
