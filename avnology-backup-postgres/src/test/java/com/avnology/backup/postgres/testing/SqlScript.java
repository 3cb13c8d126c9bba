package com.avnology.backup.postgres.testing;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL script (no psql meta-commands) into statements at top-level semicolons, skipping
 * those inside quotes ({@code '…'}, {@code E'…'} with backslash escapes, {@code "…"}), dollar
 * quotes ({@code $tag$…$tag$}), and comments. Stateless and thread-safe.
 */
public final class SqlScript {
  private SqlScript() {}

  /**
   * Returns its statements, trimmed, without the terminating semicolons; empty ones dropped.
   *
   * @param script the script
   */
  public static List<String> split(String script) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    int n = script.length();
    while (i < n) {
      char ch = script.charAt(i);
      if (ch == '-' && i + 1 < n && script.charAt(i + 1) == '-') {
        int eol = script.indexOf('\n', i);
        i = eol < 0 ? n : eol + 1;
      } else if (ch == '/' && i + 1 < n && script.charAt(i + 1) == '*') {
        int end = script.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (ch == '\'') {
        boolean escapes =
            i > 0
                && (script.charAt(i - 1) == 'E' || script.charAt(i - 1) == 'e')
                && (i < 2 || !Character.isLetterOrDigit(script.charAt(i - 2)));
        i = endOfQuoted(script, i + 1, '\'', escapes);
      } else if (ch == '"') {
        i = endOfQuoted(script, i + 1, '"', false);
      } else if (ch == '$' && (i == 0 || !Character.isLetterOrDigit(script.charAt(i - 1)))) {
        int close = script.indexOf('$', i + 1);
        String tag = close < 0 ? null : script.substring(i, close + 1);
        if (tag != null && tag.matches("\\$[A-Za-z_]*\\$")) {
          int end = script.indexOf(tag, close + 1);
          i = end < 0 ? n : end + tag.length();
        } else {
          i++;
        }
      } else if (ch == ';') {
        add(out, script.substring(start, i));
        start = ++i;
      } else {
        i++;
      }
    }
    add(out, script.substring(start));
    return out;
  }

  private static int endOfQuoted(String s, int i, char quote, boolean escapes) {
    while (i < s.length()) {
      char ch = s.charAt(i);
      if (escapes && ch == '\\') {
        i += 2;
      } else if (ch == quote) {
        if (i + 1 < s.length() && s.charAt(i + 1) == quote) {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return i;
  }

  private static void add(List<String> out, String statement) {
    String t = statement.strip();
    if (!t.isEmpty() && !onlyComments(t)) {
      out.add(t);
    }
  }

  private static boolean onlyComments(String t) {
    for (String line : t.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("--")) {
        return false;
      }
    }
    return true;
  }
}
