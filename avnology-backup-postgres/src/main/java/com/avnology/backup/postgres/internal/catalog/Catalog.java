package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.util.List;

/**
 * A database's schema as pg_dump TOC entries, in pg_dump's order (a serial restore in list order
 * works), plus what to copy for each TABLE DATA entry.
 *
 * @param entries every TOC entry, ENCODING/STDSTRINGS/SEARCHPATH first
 * @param tables one element per TABLE DATA entry
 * @param dataLeftOut the dumped tables whose rows are not, as the options asked
 */
public record Catalog(
    List<TocEntry> entries, List<TableData> tables, List<DataLeftOut> dataLeftOut) {

  /**
   * Copies the lists.
   *
   * @param entries every TOC entry, ENCODING/STDSTRINGS/SEARCHPATH first
   * @param tables one element per TABLE DATA entry
   * @param dataLeftOut the dumped tables whose rows are not, as the options asked
   */
  public Catalog {
    entries = List.copyOf(entries);
    tables = List.copyOf(tables);
    dataLeftOut = List.copyOf(dataLeftOut);
  }
}
