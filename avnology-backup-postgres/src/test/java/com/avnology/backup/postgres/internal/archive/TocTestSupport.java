package com.avnology.backup.postgres.internal.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Helpers shared by the Toc*Test classes. */
final class TocTestSupport {
  /** Entries {@code pg_restore -l} leaves out without {@code -v} (REQ_SPECIAL, or -C only). */
  static final Set<String> NOT_LISTED = Set.of("ENCODING", "STDSTRINGS", "SEARCHPATH", "DATABASE");

  private TocTestSupport() {}

  /** The entry lines {@code pg_restore -l} prints ({@code PrintTOCSummary}). */
  static List<String> summaryLines(List<TocEntry> entries) {
    return entries.stream()
        .filter(e -> !NOT_LISTED.contains(e.desc()))
        .map(
            e ->
                e.dumpId()
                    + "; "
                    + e.tableOid()
                    + " "
                    + e.oid()
                    + " "
                    + flat(e.desc())
                    + " "
                    + (e.namespace() == null ? "-" : flat(e.namespace()))
                    + " "
                    + flat(e.tag())
                    + " "
                    + (e.owner() == null ? "" : flat(e.owner())))
        .collect(Collectors.toList());
  }

  /** The entry lines of a {@code pg_restore -l} output. */
  static List<String> listedEntries(String pgRestoreList) {
    return pgRestoreList
        .lines()
        .filter(l -> !l.isEmpty() && !l.startsWith(";"))
        .collect(Collectors.toList());
  }

  private static String flat(String s) {
    return s.replace('\n', ' ').replace('\r', ' ');
  }

  static byte[] bytes(TocFile toc) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      TocWriter.write(toc, out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static TocEntry withRelkind(TocEntry e, int relkind) {
    return new TocEntry(
        e.dumpId(),
        e.hadDumper(),
        e.tableOid(),
        e.oid(),
        e.tag(),
        e.desc(),
        e.section(),
        e.defn(),
        e.dropStmt(),
        e.copyStmt(),
        e.namespace(),
        e.tablespace(),
        e.tableAm(),
        relkind,
        e.owner(),
        e.dependencies(),
        e.dataFile());
  }
}
