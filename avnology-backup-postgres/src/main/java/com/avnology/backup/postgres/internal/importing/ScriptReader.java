package com.avnology.backup.postgres.internal.importing;

import java.io.IOException;
import java.io.Reader;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Splits a SQL script as {@code pg_dump -Fp} writes it into commands, the way psql does: statements
 * end at a semicolon outside quotes, dollar quotes, comments, parentheses and the {@code BEGIN …
 * END} body of a SQL-standard function; backslash meta-commands at the start of a line are returned
 * on their own; the data of a {@code COPY … FROM stdin} statement is streamed line by line up to
 * its {@code \.} line. Reads in bounded memory (one statement, one line of data).
 *
 * <p>Not thread-safe.
 */
final class ScriptReader {
  /** What a command is. */
  public enum Kind {
    /** A SQL statement, without its semicolon. */
    SQL,
    /** A {@code COPY … FROM stdin} statement: its data follows, read with {@link #copyLine()}. */
    COPY,
    /** A backslash meta-command line, such as {@code \connect db} or {@code \restrict key}. */
    META
  }

  /**
   * One command of a script.
   *
   * @param kind what it is
   * @param text the statement or meta-command
   * @param line the line it starts on, from 1
   */
  public record Command(Kind kind, String text, long line) {}

  private static final Pattern COPY_FROM_STDIN =
      Pattern.compile("(?is)^COPY\\s.*\\sFROM\\s+stdin\\b.*");

  private final Reader in;
  private final char[] buf = new char[65536];
  private int pos;
  private int len;
  private long line = 1;
  private boolean inCopy;

  /**
   * @param in the script, decoded in its client encoding; not closed
   */
  public ScriptReader(Reader in) {
    this.in = in;
  }

  /** {@return the line the reader is on, from 1} */
  public long line() {
    return line;
  }

  private int read() throws IOException {
    if (pos == len) {
      len = in.read(buf, 0, buf.length);
      pos = 0;
      if (len <= 0) {
        len = 0;
        return -1;
      }
    }
    char c = buf[pos++];
    if (c == '\n') {
      line++;
    }
    return c;
  }

  private int peek() throws IOException {
    if (pos == len) {
      len = in.read(buf, 0, buf.length);
      pos = 0;
      if (len <= 0) {
        len = 0;
        return -1;
      }
    }
    return buf[pos];
  }

  /**
   * {@return the next command, or null at the end of the script}
   *
   * @throws IOException if the script cannot be read
   * @throws ScriptException if it ends inside a statement, a string or a comment
   */
  public Command next() throws IOException {
    if (inCopy) {
      throw new IllegalStateException("the COPY data was not read");
    }
    StringBuilder sb = new StringBuilder();
    StringBuilder word = new StringBuilder();
    char[] idents = new char[4];
    int identCount = 0;
    int parens = 0;
    int begins = 0;
    long start = line;
    boolean blank = true;
    boolean lineStart = true;
    while (true) {
      int c = read();
      if (c < 0 || (!isIdentChar(c) && word.length() > 0)) {
        // a word ended: psql's heuristic for BEGIN … END in CREATE FUNCTION/PROCEDURE bodies
        String w = word.toString().toLowerCase(Locale.ROOT);
        word.setLength(0);
        if (w.equals("create")
            || w.equals("function")
            || w.equals("procedure")
            || w.equals("or")
            || w.equals("replace")) {
          if (identCount < idents.length) {
            idents[identCount] = w.charAt(0);
          }
        }
        identCount++;
        boolean routine =
            idents[0] == 'c'
                && (idents[1] == 'f'
                    || idents[1] == 'p'
                    || (idents[1] == 'o'
                        && idents[2] == 'r'
                        && (idents[3] == 'f' || idents[3] == 'p')));
        if (routine && parens == 0) {
          if (w.equals("begin")) {
            begins++;
          } else if (w.equals("case") && begins >= 1) {
            begins++;
          } else if (w.equals("end") && begins > 0) {
            begins--;
          }
        }
      }
      if (c < 0) {
        if (!blank) {
          throw new ScriptException(
              "the script ends inside a statement that starts on line "
                  + start
                  + " (no semicolon): is the file truncated?");
        }
        return null;
      }
      if (blank && lineStart && c == '\\') {
        StringBuilder meta = new StringBuilder("\\");
        int d;
        while ((d = read()) >= 0 && d != '\n') {
          meta.append((char) d);
        }
        return new Command(Kind.META, stripCr(meta.toString()), line - (d == '\n' ? 1 : 0));
      }
      lineStart = c == '\n';
      if (blank && Character.isWhitespace(c)) {
        start = line;
        continue;
      }
      if (c == '-' && peek() == '-') {
        int d;
        while ((d = read()) >= 0 && d != '\n') {
          // a comment
        }
        lineStart = true;
        if (!blank) {
          sb.append('\n');
        }
        continue;
      }
      if (c == '/' && peek() == '*') {
        read();
        skipBlockComment(start);
        if (!blank) {
          sb.append(' ');
        }
        continue;
      }
      if (blank) {
        blank = false;
        start = line;
      }
      switch (c) {
        case '\'' -> {
          int prev = sb.length() == 0 ? ' ' : sb.charAt(sb.length() - 1);
          boolean escapes =
              (prev == 'E' || prev == 'e')
                  && (sb.length() < 2 || !isIdentChar(sb.charAt(sb.length() - 2)));
          sb.append('\'');
          quoted('\'', escapes, sb, start);
          word.setLength(0);
        }
        case '"' -> {
          sb.append('"');
          quoted('"', false, sb, start);
          identCount++;
        }
        case '$' -> {
          if (word.length() > 0) {
            word.append('$');
            sb.append('$');
            break;
          }
          dollar(sb, start);
        }
        case '(' -> {
          parens++;
          sb.append('(');
        }
        case ')' -> {
          if (parens > 0) {
            parens--;
          }
          sb.append(')');
        }
        case ';' -> {
          if (parens == 0 && begins == 0) {
            String text = sb.toString().strip();
            if (COPY_FROM_STDIN.matcher(text).matches()) {
              // the data starts on the next line
              int d;
              while ((d = read()) >= 0 && d != '\n') {
                // rest of the COPY line
              }
              inCopy = true;
              return new Command(Kind.COPY, text, start);
            }
            return new Command(Kind.SQL, text, start);
          }
          sb.append(';');
        }
        default -> {
          sb.append((char) c);
          if (isIdentChar(c) && (word.length() > 0 || !Character.isDigit(c))) {
            word.append((char) c);
          }
        }
      }
    }
  }

  /**
   * {@return the next line of the current COPY's data (without its line end), or null at its {@code
   * \.} line}
   *
   * @throws ScriptException if the script ends before the {@code \.} line
   */
  public String copyLine() throws IOException {
    if (!inCopy) {
      throw new IllegalStateException("not in COPY data");
    }
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = read()) >= 0 && c != '\n') {
      sb.append((char) c);
    }
    String s = stripCr(sb.toString());
    if (c < 0 && s.isEmpty()) {
      throw new ScriptException(
          "the script ends inside the data of a COPY (no \\. line before"
              + " line "
              + line
              + "): is the file truncated?");
    }
    if (s.equals("\\.")) {
      inCopy = false;
      return null;
    }
    if (c < 0) {
      throw new ScriptException(
          "the script ends inside the data of a COPY (no \\. line before"
              + " line "
              + line
              + "): is the file truncated?");
    }
    return s;
  }

  private static String stripCr(String s) {
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private void skipBlockComment(long start) throws IOException {
    int depth = 1;
    while (depth > 0) {
      int c = read();
      if (c < 0) {
        throw new ScriptException(
            "the script ends inside a /* comment */ (statement from line "
                + start
                + "): is the file truncated?");
      }
      if (c == '*' && peek() == '/') {
        read();
        depth--;
      } else if (c == '/' && peek() == '*') {
        read();
        depth++;
      }
    }
  }

  private void quoted(char q, boolean escapes, StringBuilder sb, long start) throws IOException {
    while (true) {
      int c = read();
      if (c < 0) {
        throw new ScriptException(
            "the script ends inside a quoted "
                + (q == '"' ? "name" : "string")
                + " (statement from line "
                + start
                + "): is the file truncated?");
      }
      sb.append((char) c);
      if (escapes && c == '\\') {
        int d = read();
        if (d >= 0) {
          sb.append((char) d);
        }
        continue;
      }
      if (c == q) {
        if (peek() == q) {
          sb.append((char) read());
          continue;
        }
        return;
      }
    }
  }

  private void dollar(StringBuilder sb, long start) throws IOException {
    StringBuilder tag = new StringBuilder("$");
    int c = peek();
    if (c >= 0 && Character.isDigit(c)) {
      sb.append('$'); // a parameter, $1
      return;
    }
    while ((c = peek()) >= 0 && isIdentChar(c) && c != '$') {
      tag.append((char) read());
    }
    if (c != '$') {
      sb.append(tag); // not a dollar quote after all
      return;
    }
    tag.append((char) read());
    sb.append(tag);
    String end = tag.toString();
    int matched = 0;
    while (true) {
      int d = read();
      if (d < 0) {
        throw new ScriptException(
            "the script ends inside a "
                + end
                + " quoted body (statement"
                + " from line "
                + start
                + "): is the file truncated?");
      }
      sb.append((char) d);
      if (d == end.charAt(matched)) {
        matched++;
        if (matched == end.length()) {
          return;
        }
      } else {
        matched = d == end.charAt(0) ? 1 : 0;
      }
    }
  }

  private static boolean isIdentChar(int c) {
    return c == '_' || c == '$' || c >= 0x80 || Character.isLetterOrDigit(c);
  }
}
