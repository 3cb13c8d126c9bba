package com.avnology.backup.postgres.internal.importing;

import com.avnology.backup.BackupException;
import com.avnology.backup.postgres.internal.catalog.Identifiers;
import com.avnology.backup.postgres.internal.engine.Connections;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plain SQL script as {@code pg_dump -Fp} writes it, run in Java in one transaction, as {@code
 * psql --single-transaction -v ON_ERROR_STOP=1} would: statements, {@code COPY … FROM stdin} data
 * streamed to the server, the meta-commands pg_dump writes ({@code \restrict}, <code>
 * &#92;unrestrict</code>) understood, any other refused.
 *
 * <p>Immutable and thread-safe.
 */
public final class PlainScript {
  private static final Logger log = LoggerFactory.getLogger(PlainScript.class);
  private static final Pattern ENCODING =
      Pattern.compile("(?im)^SET\\s+client_encoding\\s*=\\s*'([^']+)'\\s*;");
  private static final Pattern SET =
      Pattern.compile("(?is)^SET\\s+(?:SESSION\\s+|LOCAL\\s+)?([a-z_.]+)\\s*(?:=|TO)\\s.*");
  private static final Pattern OWNER = Pattern.compile("(?is)^ALTER\\s.+\\sOWNER\\s+TO\\s+\\S+$");
  private static final Pattern AUTHORIZATION =
      Pattern.compile("(?is)^(?:SET|RESET)\\s+SESSION\\s+AUTHORIZATION\\b.*");
  private static final Pattern PRIVILEGES =
      Pattern.compile("(?is)^(?:GRANT|REVOKE|ALTER\\s+DEFAULT\\s+PRIVILEGES)\\s.*");
  private static final Pattern COPY_TABLE =
      Pattern.compile(
          "(?is)^COPY\\s+((?:\"(?:[^\"]|\"\")*\"|[^\\s(\".]+)"
              + "(?:\\.(?:\"(?:[^\"]|\"\")*\"|[^\\s(\".]+))?)");
  private static final String COMPLETE = "-- PostgreSQL database dump complete";

  /** What a script holds, or what running it did. */
  public record Summary(long statements, long skipped, Map<String, Long> rows) {
    /** {@return rows of all COPY blocks} */
    public long totalRows() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final Path file;
  private final Charset charset;

  private PlainScript(Path file, Charset charset) {
    this.file = file;
    this.charset = charset;
  }

  /**
   * {@return the script, its encoding read from its {@code SET client_encoding}}
   *
   * @param file an uncompressed script
   * @throws ScriptException if it is not a complete pg_dump script
   */
  public static PlainScript open(Path file) throws IOException {
    byte[] head;
    try (InputStream in = Files.newInputStream(file)) {
      head = in.readNBytes(65536);
    }
    String text = new String(head, StandardCharsets.ISO_8859_1);
    Matcher m = ENCODING.matcher(text);
    Charset charset = m.find() ? charset(m.group(1)) : StandardCharsets.UTF_8;
    long size = Files.size(file);
    byte[] tail;
    try (var ch = Files.newByteChannel(file)) {
      ch.position(Math.max(0, size - 4096));
      tail = new byte[(int) Math.min(4096, size)];
      var bb = java.nio.ByteBuffer.wrap(tail);
      while (bb.hasRemaining() && ch.read(bb) > 0) {
        // fill
      }
    }
    if (!new String(tail, StandardCharsets.ISO_8859_1).contains(COMPLETE)) {
      throw new ScriptException(
          "the SQL script does not end with pg_dump's \""
              + COMPLETE
              + "\" line: it is truncated, or not written by pg_dump -Fp; download it again, or"
              + " restore a hand-written script with psql");
    }
    return new PlainScript(file, charset);
  }

  /**
   * Reads the whole script without running it: a dry run, and the check that it is complete.
   *
   * @return its statements and the rows of its COPY blocks
   * @throws ScriptException where it cannot be read to its end
   */
  public Summary scan() throws IOException {
    long statements = 0;
    Map<String, Long> rows = new LinkedHashMap<>();
    try (BufferedReader r = reader()) {
      ScriptReader script = new ScriptReader(r);
      ScriptReader.Command cmd;
      while ((cmd = script.next()) != null) {
        if (cmd.kind() == ScriptReader.Kind.META) {
          meta(cmd);
          continue;
        }
        statements++;
        if (cmd.kind() == ScriptReader.Kind.COPY) {
          long n = 0;
          while (script.copyLine() != null) {
            n++;
          }
          rows.merge(copyTable(cmd.text()), n, Long::sum);
        }
      }
    }
    return new Summary(statements, 0, rows);
  }

  /**
   * Runs the script in one transaction; a failure rolls everything back.
   *
   * @param dataSource the database
   * @param clean whether to empty the database first (every user schema dropped, {@code public}
   *     recreated, large objects unlinked), in the same transaction
   * @param noOwner skip {@code ALTER … OWNER TO} and {@code SET SESSION AUTHORIZATION}
   * @param noPrivileges skip {@code GRANT}, {@code REVOKE} and default privileges
   * @return what ran
   * @throws BackupException naming the failing statement and its line; nothing was changed
   */
  public Summary run(DataSource dataSource, boolean clean, boolean noOwner, boolean noPrivileges) {
    long statements = 0;
    long skipped = 0;
    Map<String, Long> rows = new LinkedHashMap<>();
    ScriptReader.Command cmd = null;
    try (Connection c = Connections.open(dataSource, "running the SQL script");
        BufferedReader r = reader()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        s.setEscapeProcessing(false);
        if (clean) {
          clean(c, s);
        }
        ScriptReader script = new ScriptReader(r);
        while ((cmd = script.next()) != null) {
          if (cmd.kind() == ScriptReader.Kind.META) {
            meta(cmd);
            continue;
          }
          String sql = cmd.text();
          if ((noOwner && (OWNER.matcher(sql).matches() || AUTHORIZATION.matcher(sql).matches()))
              || (noPrivileges && PRIVILEGES.matcher(sql).matches())
              || skipSetting(c, sql)) {
            skipped++;
            continue;
          }
          statements++;
          if (cmd.kind() == ScriptReader.Kind.COPY) {
            rows.merge(copyTable(sql), copy(c, sql, script), Long::sum);
          } else {
            s.execute(local(sql));
          }
        }
      }
      c.commit();
      return new Summary(statements, skipped, rows);
    } catch (SQLException e) {
      throw new BackupException(
          "the SQL script failed"
              + (cmd == null
                  ? ""
                  : " at the statement on line " + cmd.line() + " (" + abbreviate(cmd.text()) + ")")
              + ": "
              + e.getMessage()
              + "; the transaction was rolled back, the database is as it was",
          e);
    } catch (IOException e) {
      throw new BackupException(
          "the SQL script cannot be read: "
              + e.getMessage()
              + "; the transaction was rolled back, the database is as it was",
          e);
    }
  }

  /** Empties the database: what pg_restore --clean would drop, for a script that cannot say. */
  private static void clean(Connection c, Statement s) throws SQLException {
    List<String> schemas = new ArrayList<>();
    try (ResultSet rs =
        s.executeQuery(
            "SELECT quote_ident(n.nspname) FROM"
                + " pg_catalog.pg_namespace n WHERE n.nspname NOT IN ('pg_catalog',"
                + " 'information_schema') AND n.nspname !~ '^pg_' AND NOT EXISTS (SELECT 1 FROM"
                + " pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_namespace'::regclass"
                + " AND d.objid = n.oid AND d.deptype = 'e')")) {
      while (rs.next()) {
        schemas.add(rs.getString(1));
      }
    }
    try (ResultSet rs =
        s.executeQuery(
            "SELECT count(*) FROM pg_catalog.pg_subscription"
                + " WHERE subdbid = (SELECT oid FROM pg_catalog.pg_database"
                + " WHERE datname = current_database())")) {
      if (rs.next() && rs.getLong(1) > 0) {
        throw new BackupException(
            "the database has subscriptions, which cannot be dropped"
                + " inside the import's transaction: DROP SUBSCRIPTION them first, then import"
                + " again");
      }
    }
    // database-wide objects outside schemas, created by users (not by extensions)
    String[][] global = {
      {"pg_catalog.pg_event_trigger", "evtname", "EVENT TRIGGER"},
      {"pg_catalog.pg_publication", "pubname", "PUBLICATION"},
      {"pg_catalog.pg_foreign_data_wrapper", "fdwname", "FOREIGN DATA WRAPPER"},
      {"pg_catalog.pg_language", "lanname", "LANGUAGE"},
      {"pg_catalog.pg_am", "amname", "ACCESS METHOD"}
    };
    for (String[] g : global) {
      List<String> names = new ArrayList<>();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT quote_ident("
                  + g[1]
                  + ") FROM "
                  + g[0]
                  + " o WHERE o.oid >= 16384 AND "
                  + (g[2].equals("LANGUAGE") ? "o.lanname <> 'plpgsql' AND " : "")
                  + "NOT EXISTS (SELECT 1 FROM"
                  + " pg_catalog.pg_depend d WHERE d.classid = '"
                  + g[0]
                  + "'::regclass"
                  + " AND d.objid = o.oid AND d.deptype = 'e')")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      for (String n : names) {
        s.execute("DROP " + g[2] + " IF EXISTS " + n + " CASCADE");
      }
    }
    boolean hadPublic = schemas.contains("public");
    for (String schema : schemas) {
      s.execute("DROP SCHEMA " + schema + " CASCADE");
    }
    try (ResultSet rs =
        s.executeQuery(
            "SELECT extname FROM pg_catalog.pg_extension" + " WHERE extname <> 'plpgsql'")) {
      java.util.List<String> ext = new java.util.ArrayList<>();
      while (rs.next()) {
        ext.add(rs.getString(1));
      }
      for (String e : ext) {
        s.execute("DROP EXTENSION IF EXISTS " + Identifiers.alwaysQuoted(e) + " CASCADE");
      }
    }
    s.execute("SELECT pg_catalog.lo_unlink(oid) FROM pg_catalog.pg_largeobject_metadata");
    if (hadPublic) {
      s.execute("CREATE SCHEMA public");
      if (c.getMetaData().getDatabaseMajorVersion() >= 15) {
        s.execute("ALTER SCHEMA public OWNER TO pg_database_owner");
      }
      s.execute("GRANT USAGE ON SCHEMA public TO PUBLIC");
      s.execute("COMMENT ON SCHEMA public IS 'standard public schema'");
    }
  }

  private static final Pattern SESSION_SET =
      Pattern.compile("(?is)^SET\\s+(?!LOCAL\\s|SESSION\\s)(.*)");
  private static final Pattern SET_CONFIG =
      Pattern.compile(
          "(?is)^(SELECT\\s+pg_catalog\\.set_config\\('[a-z_.]+',\\s*'(?:[^']|'')*',\\s*)false(\\))$");

  /**
   * The script's session settings, made local to its transaction: the same effect while it runs,
   * and nothing left behind on a server session that a pooler (PgBouncer in transaction mode) hands
   * to other clients afterwards.
   */
  static String local(String sql) {
    Matcher m = SESSION_SET.matcher(sql);
    if (m.matches()) {
      return "SET LOCAL " + m.group(1);
    }
    m = SET_CONFIG.matcher(sql);
    if (m.matches()) {
      return m.group(1) + "true" + m.group(2);
    }
    return sql;
  }

  /** A setting this server does not know (a newer pg_dump's, such as transaction_timeout). */
  private static boolean skipSetting(Connection c, String sql) throws SQLException {
    Matcher m = SET.matcher(sql);
    if (!m.matches()) {
      return false;
    }
    String name = m.group(1).toLowerCase(Locale.ROOT);
    if (name.equals("client_encoding")) {
      return true; // the script is decoded in Java; the driver keeps UTF8
    }
    if (name.contains(".")) {
      return false;
    }
    try (java.sql.PreparedStatement p =
        c.prepareStatement("SELECT 1 FROM pg_catalog.pg_settings WHERE name = ?")) {
      p.setString(1, name);
      try (ResultSet rs = p.executeQuery()) {
        if (rs.next()) {
          return false;
        }
      }
    }
    log.info("skipping SET {}: this server does not have that setting", name);
    return true;
  }

  private static long copy(Connection c, String sql, ScriptReader script)
      throws SQLException, IOException {
    CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql);
    long n = 0;
    try {
      byte[] buf = new byte[65536];
      int used = 0;
      String line;
      while ((line = script.copyLine()) != null) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        if (used + b.length > buf.length) {
          in.writeToCopy(buf, 0, used);
          used = 0;
        }
        if (b.length > buf.length) {
          in.writeToCopy(b, 0, b.length);
        } else {
          System.arraycopy(b, 0, buf, used, b.length);
          used += b.length;
        }
        n++;
      }
      if (used > 0) {
        in.writeToCopy(buf, 0, used);
      }
      in.endCopy();
      return n;
    } finally {
      if (in.isActive()) {
        try {
          in.cancelCopy();
        } catch (SQLException ignored) {
          // the failure that brought us here is the one to report
        }
      }
    }
  }

  private static void meta(ScriptReader.Command cmd) throws ScriptException {
    String m = cmd.text().strip();
    String name = m.split("\\s+", 2)[0];
    if (name.equals("\\restrict") || name.equals("\\unrestrict")) {
      return; // psql's guard against injected meta-commands (pg_dump 13.22+, 15.14+, 17.6+)
    }
    throw new ScriptException(
        "the SQL script has the psql meta-command "
            + name
            + " on line "
            + cmd.line()
            + ", which an import cannot run"
            + (name.equals("\\connect") || name.equals("\\c")
                ? ": export without --create (pg_dump -C) and import into the database you name"
                : ": run this script with psql"));
  }

  static String copyTable(String copy) {
    Matcher m = COPY_TABLE.matcher(copy);
    return m.find() ? m.group(1) : copy;
  }

  private BufferedReader reader() throws IOException {
    CharsetDecoder decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    return new BufferedReader(new InputStreamReader(Files.newInputStream(file), decoder), 65536);
  }

  private static String abbreviate(String sql) {
    String one = sql.replaceAll("\\s+", " ");
    return one.length() > 120 ? one.substring(0, 117) + "…" : one;
  }

  private static Charset charset(String pg) throws ScriptException {
    String name = pg.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
    String java =
        switch (name) {
          case "UTF8", "UNICODE" -> "UTF-8";
          case "SQLASCII" -> "UTF-8";
          case "LATIN1" -> "ISO-8859-1";
          case "LATIN2" -> "ISO-8859-2";
          case "LATIN3" -> "ISO-8859-3";
          case "LATIN4" -> "ISO-8859-4";
          case "LATIN5" -> "ISO-8859-9";
          case "LATIN7" -> "ISO-8859-13";
          case "LATIN9" -> "ISO-8859-15";
          case "WIN1250",
              "WIN1251",
              "WIN1252",
              "WIN1253",
              "WIN1254",
              "WIN1255",
              "WIN1256",
              "WIN1257",
              "WIN1258" ->
              "windows-" + name.substring(3);
          case "WIN866" -> "IBM866";
          case "KOI8R", "KOI8" -> "KOI8-R";
          case "KOI8U" -> "KOI8-U";
          case "EUCJP" -> "EUC-JP";
          case "EUCKR" -> "EUC-KR";
          case "SJIS" -> "Shift_JIS";
          case "GBK" -> "GBK";
          case "GB18030" -> "GB18030";
          case "BIG5" -> "Big5";
          default -> null;
        };
    if (java == null || !Charset.isSupported(java)) {
      throw new ScriptException(
          "the SQL script's client_encoding "
              + pg
              + " is not supported"
              + " by the import: re-export with pg_dump --encoding=UTF8");
    }
    return Charset.forName(java);
  }
}
