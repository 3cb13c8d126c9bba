package com.avnology.backup.postgres.internal.archive;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Maps PostgreSQL encoding names (as in an archive's {@code ENCODING} entry) to Java charsets, so
 * that archive strings, which are in the dump's client encoding, decode correctly.
 */
public final class PgEncodings {
  private static final Map<String, String> JAVA_NAMES =
      Map.ofEntries(
          Map.entry("UTF8", "UTF-8"),
          Map.entry("UNICODE", "UTF-8"),
          Map.entry("SQL_ASCII", "ISO-8859-1"),
          Map.entry("LATIN1", "ISO-8859-1"),
          Map.entry("LATIN2", "ISO-8859-2"),
          Map.entry("LATIN3", "ISO-8859-3"),
          Map.entry("LATIN4", "ISO-8859-4"),
          Map.entry("LATIN5", "ISO-8859-9"),
          Map.entry("LATIN7", "ISO-8859-13"),
          Map.entry("LATIN9", "ISO-8859-15"),
          Map.entry("ISO_8859_5", "ISO-8859-5"),
          Map.entry("ISO_8859_6", "ISO-8859-6"),
          Map.entry("ISO_8859_7", "ISO-8859-7"),
          Map.entry("ISO_8859_8", "ISO-8859-8"),
          Map.entry("WIN866", "IBM866"),
          Map.entry("WIN874", "x-windows-874"),
          Map.entry("WIN1250", "windows-1250"),
          Map.entry("WIN1251", "windows-1251"),
          Map.entry("WIN1252", "windows-1252"),
          Map.entry("WIN1253", "windows-1253"),
          Map.entry("WIN1254", "windows-1254"),
          Map.entry("WIN1255", "windows-1255"),
          Map.entry("WIN1256", "windows-1256"),
          Map.entry("WIN1257", "windows-1257"),
          Map.entry("WIN1258", "windows-1258"),
          Map.entry("KOI8R", "KOI8-R"),
          Map.entry("KOI8U", "KOI8-U"),
          Map.entry("EUC_JP", "EUC-JP"),
          Map.entry("EUC_KR", "EUC-KR"),
          Map.entry("EUC_CN", "GB2312"),
          Map.entry("SJIS", "Shift_JIS"),
          Map.entry("BIG5", "Big5"),
          Map.entry("GBK", "GBK"),
          Map.entry("GB18030", "GB18030"),
          Map.entry("UHC", "x-windows-949"));

  private PgEncodings() {}

  /**
   * {@return the Java charset, if known and available in this JVM}
   *
   * @param pgName a PostgreSQL encoding name, any case
   */
  public static Optional<Charset> charset(String pgName) {
    String java = JAVA_NAMES.get(pgName.toUpperCase(Locale.ROOT));
    if (java == null || !Charset.isSupported(java)) {
      return Optional.empty();
    }
    return Optional.of(Charset.forName(java));
  }

  /**
   * The encoding named by an {@code ENCODING} entry ({@code SET client_encoding = 'UTF8';}), read
   * as {@code processEncodingEntry} does: the text between the first two single quotes.
   *
   * @param entries TOC entries
   * @return the encoding name, if there is a well-formed ENCODING entry
   */
  public static Optional<String> encodingName(List<TocEntry> entries) {
    for (TocEntry e : entries) {
      if ("ENCODING".equals(e.desc()) && e.defn() != null) {
        int a = e.defn().indexOf('\'');
        int b = a < 0 ? -1 : e.defn().indexOf('\'', a + 1);
        if (b > a) {
          return Optional.of(e.defn().substring(a + 1, b));
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The charset for an archive's strings: from its ENCODING entry; ISO-8859-1 (which keeps every
   * byte) when the encoding is unknown to Java; UTF-8 when there is no ENCODING entry.
   *
   * @param entries TOC entries
   * @return the charset
   */
  public static Charset archiveCharset(List<TocEntry> entries) {
    return encodingName(entries)
        .map(n -> charset(n).orElse(StandardCharsets.ISO_8859_1))
        .orElse(StandardCharsets.UTF_8);
  }
}
