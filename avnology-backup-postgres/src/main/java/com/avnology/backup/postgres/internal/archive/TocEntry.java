package com.avnology.backup.postgres.internal.archive;

import java.util.List;

/**
 * One entry of a pg_dump archive's table of contents ({@code struct _tocEntry} in
 * pg_backup_archiver.h). String fields may be {@code null}, which the archive stores distinctly
 * from {@code ""} (length -1); pg_restore treats the two differently.
 *
 * @param dumpId the entry's id, &gt; 0, unique in the archive
 * @param hadDumper whether the entry has data (TABLE DATA, SEQUENCE SET is not, BLOBS is)
 * @param tableOid the oid of the catalog holding the object ({@code pg_class}'s oid etc.), as text
 * @param oid the object's oid, as text
 * @param tag the object's name as pg_restore -l shows it
 * @param desc the entry's kind: {@code TABLE}, {@code TABLE DATA}, {@code INDEX}, …
 * @param section where the entry belongs
 * @param defn the SQL that creates the object, or null
 * @param dropStmt the SQL that drops it, or null
 * @param copyStmt for TABLE DATA, the {@code COPY … FROM stdin;} statement, else null
 * @param namespace the schema the object is in, or null/""
 * @param tablespace the tablespace, or null/""
 * @param tableAm the table access method (archive 1.14+), or null/""
 * @param relkind the relation kind as a char code (archive 1.16+), 0 if none
 * @param owner the owning role, or null/""
 * @param dependencies dump ids this entry depends on
 * @param dataFile in a directory archive, the data file name without compression suffix ({@code
 *     1234.dat}), or null/"" when the entry has no data
 */
public record TocEntry(
    int dumpId,
    boolean hadDumper,
    String tableOid,
    String oid,
    String tag,
    String desc,
    Section section,
    String defn,
    String dropStmt,
    String copyStmt,
    String namespace,
    String tablespace,
    String tableAm,
    int relkind,
    String owner,
    List<Integer> dependencies,
    String dataFile) {

  /**
   * Copies the dependency list.
   *
   * @param dumpId the entry's id, &gt; 0, unique in the archive
   * @param hadDumper whether the entry has data (TABLE DATA, SEQUENCE SET is not, BLOBS is)
   * @param tableOid the oid of the catalog holding the object ({@code pg_class}'s oid etc.), as
   *     text
   * @param oid the object's oid, as text
   * @param tag the object's name as pg_restore -l shows it
   * @param desc the entry's kind: {@code TABLE}, {@code TABLE DATA}, {@code INDEX}, …
   * @param section where the entry belongs
   * @param defn the SQL that creates the object, or null
   * @param dropStmt the SQL that drops it, or null
   * @param copyStmt for TABLE DATA, the {@code COPY … FROM stdin;} statement, else null
   * @param namespace the schema the object is in, or null/""
   * @param tablespace the tablespace, or null/""
   * @param tableAm the table access method (archive 1.14+), or null/""
   * @param relkind the relation kind as a char code (archive 1.16+), 0 if none
   * @param owner the owning role, or null/""
   * @param dependencies dump ids this entry depends on
   * @param dataFile in a directory archive, the data file name without compression suffix ({@code
   *     1234.dat}), or null/"" when the entry has no data
   */
  public TocEntry {
    dependencies = List.copyOf(dependencies);
  }

  /** The archive's sections, with their on-disk codes. */
  public enum Section {
    /** Not in a section (ENCODING, STDSTRINGS, SEARCHPATH, COMMENT ON DATABASE …). */
    NONE(1),
    /** Created before data. */
    PRE_DATA(2),
    /** Table data, sequence values, large objects. */
    DATA(3),
    /** Indexes, constraints, triggers: after data. */
    POST_DATA(4);

    private final int code;

    Section(int code) {
      this.code = code;
    }

    /** {@return the archive's code for the section} */
    public int code() {
      return code;
    }

    /**
     * {@return the section}
     *
     * @param code an archive section code
     * @throws IllegalArgumentException for an unknown code
     */
    public static Section of(int code) {
      for (Section s : values()) {
        if (s.code == code) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown TOC section code " + code);
    }
  }
}
