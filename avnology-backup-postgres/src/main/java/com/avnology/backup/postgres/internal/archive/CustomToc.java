package com.avnology.backup.postgres.internal.archive;

import java.util.Map;
import java.util.Objects;

/**
 * The header and TOC of a custom-format archive, with each entry's data offset.
 *
 * @param toc header and entries; entries with data name the synthetic file {@code <dumpId>.dat}
 * @param offsets dumpId to data offset, for every entry, in TOC order
 * @param dataStart the byte position just after the TOC, where the first data block starts
 */
public record CustomToc(TocFile toc, Map<Integer, DataOffset> offsets, long dataStart) {
  /**
   * Copies the map.
   *
   * @param toc header and entries; entries with data name the synthetic file {@code <dumpId>.dat}
   * @param offsets dumpId to data offset, for every entry, in TOC order
   * @param dataStart the byte position just after the TOC, where the first data block starts
   */
  public CustomToc {
    Objects.requireNonNull(toc, "toc");
    offsets = Map.copyOf(offsets);
  }
}
