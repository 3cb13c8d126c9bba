package com.avnology.backup.postgres.internal.physical;

import com.avnology.backup.IntegrityException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * One line of a physical backup's file list: a directory ({@code d}), a tablespace link ({@code l})
 * or a regular file ({@code f}) with its mode, size, modification time, SHA-256, the set that holds
 * its bytes and the part of that set it is in.
 *
 * @param type {@code d}, {@code l} or {@code f}
 * @param mode permission bits
 * @param size bytes; 0 for directories and links
 * @param mtime modification time as read from the data directory
 * @param sha256 lowercase hex SHA-256 of the content; {@code -} for directories and links
 * @param set the id of the set holding the content; {@code -} for directories and links
 * @param part the part of that set holding it; -1 for directories and links
 * @param offset where its tar entry starts in the part's compressed stream, a zstd frame of its
 *     own; -1 if the part cannot be entered there (directories, links, gzip)
 * @param length the compressed length of its tar entry; -1 with offset -1
 * @param path the path in the data directory, with {@code /}
 */
record FileEntry(
    char type,
    int mode,
    long size,
    Instant mtime,
    String sha256,
    String set,
    int part,
    long offset,
    long length,
    String path) {
  /** The file list's first line. */
  public static final String HEADER =
      "# type\tmode\tsize\tmtime\tsha256\tset\tpart\toffset\tlength\tpath";

  /** {@return a regular file's entry} */
  public static FileEntry file(
      int mode,
      long size,
      Instant mtime,
      String sha256,
      String set,
      int part,
      long offset,
      long length,
      String path) {
    return new FileEntry('f', mode, size, mtime, sha256, set, part, offset, length, path);
  }

  /** {@return a directory's ({@code d}) or link's ({@code l}) entry} */
  public static FileEntry node(char type, int mode, Instant mtime, String path) {
    return new FileEntry(type, mode, 0, mtime, "-", "-", -1, -1, -1, path);
  }

  /** {@return whether this is a regular file} */
  public boolean isFile() {
    return type == 'f';
  }

  /**
   * {@return the same content, where this entry says it is held}
   *
   * @param newMode the file's mode now
   * @param newMtime the file's modification time now
   */
  public FileEntry now(int newMode, Instant newMtime) {
    return new FileEntry(type, newMode, size, newMtime, sha256, set, part, offset, length, path);
  }

  /** {@return the list line, without the newline} */
  public String format() {
    return String.format(
        Locale.ROOT,
        "%c\t%o\t%d\t%s\t%s\t%s\t%d\t%d\t%d\t%s",
        type,
        mode,
        size,
        mtime,
        sha256,
        set,
        part,
        offset,
        length,
        path.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n"));
  }

  /**
   * {@return its entry}
   *
   * @param line a list line
   * @param where the list, for messages
   * @throws IntegrityException if the line is malformed
   */
  public static FileEntry parse(String line, String where) {
    String[] f = line.split("\t", 10);
    try {
      if (f.length != 10 || f[0].length() != 1 || "dlf".indexOf(f[0].charAt(0)) < 0) {
        throw new IllegalArgumentException("10 tab-separated fields, the first d, l or f");
      }
      return new FileEntry(
          f[0].charAt(0),
          Integer.parseInt(f[1], 8),
          Long.parseLong(f[2]),
          Instant.parse(f[3]),
          f[4],
          f[5],
          Integer.parseInt(f[6]),
          Long.parseLong(f[7]),
          Long.parseLong(f[8]),
          unescape(f[9]));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new IntegrityException(
          "malformed line in "
              + where
              + " ("
              + e.getMessage()
              + "): "
              + line
              + "; the set is damaged or was not written by this library");
    }
  }

  private static String unescape(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(n == 't' ? '\t' : n == 'n' ? '\n' : n);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }
}
