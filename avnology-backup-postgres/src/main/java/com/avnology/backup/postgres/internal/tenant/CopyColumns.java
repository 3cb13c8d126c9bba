package com.avnology.backup.postgres.internal.tenant;

import java.util.ArrayList;
import java.util.List;

/** The column list of a TABLE DATA entry's {@code COPY t (a, "B c") FROM stdin;}. */
final class CopyColumns {
  private CopyColumns() {}

  /**
   * @param copyStmt the statement, as pg_dump writes it
   * @return the column names, unquoted; empty if it names none
   * @throws IllegalArgumentException if the statement cannot be read
   */
  static List<String> parse(String copyStmt) {
    String s = copyStmt.strip();
    int i = 4; // after COPY
    // the table name: identifiers, quoted or not, and dots, up to the column list
    while (i < s.length() && s.charAt(i) != '(') {
      if (s.charAt(i) == '"') {
        i = skipQuoted(s, i);
      } else {
        i++;
      }
    }
    List<String> columns = new ArrayList<>();
    if (i >= s.length()) {
      return columns;
    }
    i++;
    StringBuilder name = new StringBuilder();
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (ch == '"') {
        int end = skipQuoted(s, i);
        name.append(s.substring(i + 1, end - 1).replace("\"\"", "\""));
        i = end;
        continue;
      }
      if (ch == ',' || ch == ')') {
        columns.add(name.toString().strip());
        name.setLength(0);
        if (ch == ')') {
          return columns;
        }
      } else {
        name.append(ch);
      }
      i++;
    }
    throw new IllegalArgumentException("cannot read the column list of " + copyStmt);
  }

  private static int skipQuoted(String s, int open) {
    int i = open + 1;
    while (i < s.length()) {
      if (s.charAt(i) == '"') {
        if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    throw new IllegalArgumentException("unterminated quoted name in " + s);
  }
}
