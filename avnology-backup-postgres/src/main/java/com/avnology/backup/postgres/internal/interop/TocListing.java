package com.avnology.backup.postgres.internal.interop;

import com.avnology.backup.postgres.internal.archive.ArchiveHeader;
import com.avnology.backup.postgres.internal.archive.ArchiveVersion;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.archive.TocFile;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;

/**
 * The text {@code pg_restore -l} prints for an archive ({@code PrintTOCSummary} in
 * pg_backup_archiver.c, without selection options): a comment header, then one line {@code dumpId;
 * tableoid oid DESC namespace tag owner} per entry pg_restore would restore. Stateless and
 * thread-safe.
 */
public final class TocListing {
  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss zzz", Locale.ROOT);

  /** The archive kind the header names ({@code Format:}). */
  public enum Kind {
    /** {@code pg_dump -Fc}. */
    CUSTOM,
    /** {@code pg_dump -Ft}. */
    TAR,
    /** {@code pg_dump -Fd}; its {@code toc.dat} says format 3 like tar. */
    DIRECTORY
  }

  private TocListing() {}

  /**
   * {@return the listing, creation time shown in this JVM's default zone}
   *
   * @param toc an archive's TOC; a header of format 1 is listed as CUSTOM, else DIRECTORY
   */
  public static String format(TocFile toc) {
    Kind kind = toc.header().format() == ArchiveHeader.FORMAT_CUSTOM ? Kind.CUSTOM : Kind.DIRECTORY;
    return format(toc, kind, ZoneId.systemDefault());
  }

  /**
   * {@return the listing, lines ending in {@code \n}}
   *
   * @param toc an archive's TOC
   * @param kind the archive kind to name
   * @param zone the zone pg_dump's clock was in (the header stores local clock fields)
   */
  public static String format(TocFile toc, Kind kind, ZoneId zone) {
    Objects.requireNonNull(kind, "null kind");
    ArchiveHeader h = toc.header();
    StringBuilder out = new StringBuilder(4096);
    out.append(";\n; Archive created at ").append(stamp(h, zone)).append('\n');
    out.append(";     dbname: ").append(sanitize(h.databaseName(), false)).append('\n');
    out.append(";     TOC Entries: ").append(toc.entries().size()).append('\n');
    out.append(";     Compression: ").append(compression(h)).append('\n');
    out.append(";     Dump Version: ")
        .append(h.version().major())
        .append('.')
        .append(h.version().minor())
        .append('-')
        .append(h.version().rev())
        .append('\n');
    out.append(";     Format: ").append(kind.name()).append('\n');
    out.append(";     Integer: ").append(h.intSize()).append(" bytes\n");
    out.append(";     Offset: ").append(h.offSize()).append(" bytes\n");
    if (h.serverVersion() != null) {
      out.append(";     Dumped from database version: ").append(h.serverVersion()).append('\n');
    }
    if (h.dumpVersion() != null) {
      out.append(";     Dumped by pg_dump version: ").append(h.dumpVersion()).append('\n');
    }
    out.append(";\n;\n; Selected TOC Entries:\n;\n");
    for (TocEntry e : toc.entries()) {
      if (listed(e)) {
        out.append(e.dumpId())
            .append("; ")
            .append(oid(e.tableOid()))
            .append(' ')
            .append(oid(e.oid()))
            .append(' ')
            .append(e.desc())
            .append(' ')
            .append(sanitize(e.namespace(), true))
            .append(' ')
            .append(sanitize(e.tag(), false))
            .append(' ')
            .append(sanitize(e.owner(), false))
            .append('\n');
      }
    }
    return out.toString();
  }

  /** {@code _tocEntryRequired} with no options: nonzero REQ_SCHEMA or REQ_DATA. */
  static boolean listed(TocEntry e) {
    String desc = e.desc();
    if (desc.equals("ENCODING")
        || desc.equals("STDSTRINGS")
        || desc.equals("SEARCHPATH")
        || desc.equals("DATABASE")
        || desc.equals("DATABASE PROPERTIES")) {
      return false;
    }
    String tag = e.tag() == null ? "" : e.tag();
    if ((desc.equals("ACL") || desc.equals("COMMENT") || desc.equals("SECURITY LABEL"))
        && tag.startsWith("DATABASE ")) {
      return false; // database properties: only with -C
    }
    boolean largeObject =
        tag.startsWith("LARGE OBJECT")
            && (desc.equals("ACL") || desc.equals("COMMENT") || desc.equals("SECURITY LABEL"));
    boolean data =
        e.hadDumper()
            || desc.equals("SEQUENCE SET")
            || desc.equals("BLOB")
            || desc.equals("BLOB METADATA")
            || largeObject;
    boolean schema =
        e.defn() != null
            && !e.defn().isEmpty()
            && !e.defn().startsWith("-- load via partition root ");
    return data || schema;
  }

  private static String compression(ArchiveHeader h) {
    if (h.version().atLeast(ArchiveVersion.V1_15)) {
      return h.compression().name().toLowerCase(Locale.ROOT); // pg_restore 16+ prints the name
    }
    return Integer.toString(h.compressionLevel());
  }

  private static String stamp(ArchiveHeader h, ZoneId zone) {
    try {
      return ZonedDateTime.of(h.created().toLocalDateTime(), zone).format(STAMP);
    } catch (java.time.DateTimeException e) {
      return "[unknown]";
    }
  }

  /** {@code %u} of the catalog id, as {@code sscanf("%u")} reads it. */
  private static String oid(String s) {
    if (s == null) {
      return "0";
    }
    try {
      return Long.toString(Long.parseLong(s.trim()) & 0xFFFFFFFFL);
    } catch (NumberFormatException e) {
      return "0";
    }
  }

  private static String sanitize(String s, boolean wantHyphen) {
    if (s == null) {
      return wantHyphen ? "-" : "";
    }
    return s.replace('\n', ' ').replace('\r', ' ');
  }
}
