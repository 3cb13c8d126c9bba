package com.avnology.backup.postgres.internal.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The catalog reader's round trip: reads a database's catalog with {@link CatalogReader}, replays
 * its TOC entries and table data into a new database, and compares pg_dump of the two (or the
 * reader's own output for both, when pg_dump is older than the server). Comparing two databases,
 * running pg_dump and its version check are {@link Fidelity}'s jobs.
 */
final class CatalogRoundTrip {
  private static final Set<String> ACL_PASS = Set.of("ACL", "DEFAULT ACL");
  private static final Set<String> POST_ACL_PASS =
      Set.of("EVENT TRIGGER", "MATERIALIZED VIEW DATA");

  private CatalogRoundTrip() {}

  /** A connection in simple-query mode, so scripts with BEGIN ATOMIC bodies go through whole. */
  static Connection simple(String db) throws SQLException {
    return DriverManager.getConnection(EmbeddedPg.jdbcUrl(db) + "&preferQueryMode=simple");
  }

  /** A source database loaded with {@code sql}; lines {@code -- @@} split it into transactions. */
  static String source(String prefix, String sql) throws SQLException {
    String db = EmbeddedPg.createDatabase(prefix);
    try (Connection c = simple(db);
        Statement s = c.createStatement()) {
      for (String chunk : sql.split("\n-- @@\n")) {
        s.execute(chunk);
      }
    }
    return db;
  }

  /**
   * Writes a comparison's differences to {@code target/fidelity/NAME}, for a reader of a failure.
   *
   * @param name the report's file name
   * @param lines the differences
   * @throws IOException if the file cannot be written
   */
  static void report(String name, List<String> lines) throws IOException {
    Files.write(Files.createDirectories(Path.of("target", "fidelity")).resolve(name), lines);
  }

  /**
   * Reads the catalog of {@code db} as a dump would: in a REPEATABLE READ, read-only transaction.
   */
  static Catalog read(String db, CatalogOptions options) throws SQLException {
    try (Connection c = EmbeddedPg.dataSource(db).getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      c.setReadOnly(true);
      CatalogReader.setUpSession(c);
      Catalog cat = CatalogReader.read(c, options);
      c.commit();
      return cat;
    }
  }

  /** Dumps {@code source}, restores into a new database, returns its name. */
  static String restore(String source, Catalog cat) throws SQLException, IOException {
    Map<Integer, byte[]> data = new HashMap<>();
    try (Connection c = EmbeddedPg.dataSource(source).getConnection()) {
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      CopyManager cm = c.unwrap(PGConnection.class).getCopyAPI();
      for (TableData t : cat.tables()) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        cm.copyOut(t.copyOutSql(), out);
        data.put(t.dumpId(), out.toByteArray());
      }
      c.commit();
    }
    String target = EmbeddedPg.createDatabase("target");
    try (Connection c = simple(target);
        Statement s = c.createStatement()) {
      s.execute(
          "SET check_function_bodies = false; SET xmloption = content;"
              + " SET client_min_messages = warning; SET row_security = off;");
      CopyManager cm = c.unwrap(PGConnection.class).getCopyAPI();
      for (int pass = 0; pass < 3; pass++) {
        for (TocEntry e : cat.entries()) {
          boolean postAcl =
              POST_ACL_PASS.contains(e.desc())
                  || (e.desc().equals("COMMENT") && e.tag().startsWith("EVENT TRIGGER "));
          int entryPass = ACL_PASS.contains(e.desc()) ? 1 : postAcl ? 2 : 0;
          if (entryPass != pass || e.desc().equals("ENCODING")) {
            continue;
          }
          if (e.desc().equals("TABLE DATA")) {
            cm.copyIn(e.copyStmt(), new ByteArrayInputStream(data.get(e.dumpId())));
            continue;
          }
          if (e.defn() == null || e.defn().isEmpty()) {
            continue;
          }
          if (e.tableAm() != null) {
            s.execute("SET default_table_access_method = " + Sql.q(e.tableAm()));
          }
          exec(s, e, e.defn());
          String owner = ownerStatement(e);
          if (owner != null) {
            exec(s, e, owner);
          }
        }
      }
    }
    return target;
  }

  private static void exec(Statement s, TocEntry e, String sql) throws SQLException {
    try {
      s.execute(sql);
    } catch (SQLException ex) {
      throw new SQLException(
          "entry " + e.dumpId() + " " + e.desc() + " " + e.tag() + ":\n" + sql, ex);
    }
  }

  /** pg_restore's {@code _printTocEntry} / {@code _getObjectDescription}. */
  static String ownerStatement(TocEntry e) {
    if (e.owner() == null
        || e.owner().isEmpty()
        || e.dropStmt() == null
        || e.dropStmt().isEmpty()) {
      return null;
    }
    String obj;
    switch (e.desc()) {
      case "VIEW", "SEQUENCE", "MATERIALIZED VIEW" ->
          obj = "TABLE " + Sql.qq(e.namespace(), e.tag());
      case "COLLATION",
          "CONVERSION",
          "DOMAIN",
          "TABLE",
          "TYPE",
          "FOREIGN TABLE",
          "STATISTICS",
          "TEXT SEARCH DICTIONARY",
          "TEXT SEARCH CONFIGURATION" ->
          obj = e.desc() + " " + Sql.qq(e.namespace(), e.tag());
      case "SCHEMA",
          "EVENT TRIGGER",
          "FOREIGN DATA WRAPPER",
          "SERVER",
          "PUBLICATION",
          "SUBSCRIPTION" ->
          obj = e.desc() + " " + Sql.q(e.tag());
      case "AGGREGATE",
          "FUNCTION",
          "PROCEDURE",
          "OPERATOR",
          "OPERATOR CLASS",
          "OPERATOR FAMILY" -> {
        String d = e.dropStmt().strip();
        obj = d.substring("DROP ".length(), d.length() - 1);
      }
      default -> {
        return null;
      }
    }
    return "ALTER " + obj + " OWNER TO " + Sql.q(e.owner()) + ";";
  }

  /**
   * pg_dump of a database (plain, schema and data unless {@code options} say otherwise), without
   * the restrict lines; run through {@link Fidelity#runTool}.
   */
  static String pgDump(String db, String... options) {
    List<String> args = new ArrayList<>(List.of(options));
    args.add(db);
    return Fidelity.stripRestrictLines(Fidelity.runTool("pg_dump", args.toArray(String[]::new)));
  }

  /**
   * pg_dump's own TOC order for {@code db}: one {@code "desc|namespace|tag|owner"} line per entry,
   * DATABASE left out (this reader does not emit it).
   */
  static List<String> pgDumpToc(String db, String... options) throws IOException {
    Path f = Files.createTempFile("toc", ".dump");
    try {
      List<String> args = new ArrayList<>(List.of(options));
      args.addAll(List.of("-Fc", "-f", f.toString()));
      pgDump(db, args.toArray(String[]::new));
      // pg_restore -l only lists: the connection options runTool appends are not used
      String out = Fidelity.runTool("pg_restore", "-l", f.toString());
      List<String> lines = new ArrayList<>();
      Pattern line = Pattern.compile("^\\d+; \\d+ \\d+ (.*)$");
      for (String l : out.split("\n")) {
        Matcher m = line.matcher(l);
        if (m.matches() && !m.group(1).startsWith("DATABASE ")) {
          lines.add(m.group(1));
        }
      }
      return lines;
    } finally {
      Files.delete(f);
    }
  }

  /** This reader's TOC in {@code pg_restore -l} shape (desc namespace tag owner). */
  static List<String> toc(Catalog cat) {
    List<String> lines = new ArrayList<>();
    for (TocEntry e : cat.entries()) {
      if (Set.of("ENCODING", "STDSTRINGS", "SEARCHPATH").contains(e.desc())) {
        continue;
      }
      lines.add(
          e.desc()
              + " "
              + (e.namespace() == null ? "-" : e.namespace())
              + " "
              + e.tag()
              + " "
              + (e.owner() == null ? "" : e.owner()));
    }
    return lines;
  }

  /** What pg_restore relies on, whatever the fixture. */
  static void assertInvariants(Catalog cat) {
    Map<Integer, TocEntry> byId = new HashMap<>();
    for (TocEntry e : cat.entries()) {
      assertThat(byId.put(e.dumpId(), e)).as("duplicate dump id %s", e.dumpId()).isNull();
    }
    Set<Integer> seen = new HashSet<>();
    int section = 0;
    for (TocEntry e : cat.entries()) {
      for (int dep : e.dependencies()) {
        assertThat(byId).as("%s %s depends on unknown %s", e.desc(), e.tag(), dep).containsKey(dep);
      }
      if (Set.of("COMMENT", "ACL", "SEQUENCE OWNED BY").contains(e.desc())
          && !e.dependencies().isEmpty()) {
        assertThat(seen)
            .as("%s %s after its parent", e.desc(), e.tag())
            .contains(e.dependencies().get(0));
      }
      if (e.desc().equals("TABLE DATA")) {
        assertThat(e.dependencies()).hasSize(1);
        TocEntry table = byId.get(e.dependencies().get(0));
        assertThat(table.desc()).isEqualTo("TABLE");
        assertThat(table.dumpId()).isLessThan(e.dumpId());
        assertThat(e.hadDumper()).isTrue();
      } else {
        assertThat(e.hadDumper()).isFalse();
      }
      if (e.section() != TocEntry.Section.NONE) {
        assertThat(e.section().code())
            .as("%s %s section order", e.desc(), e.tag())
            .isGreaterThanOrEqualTo(section);
        section = e.section().code();
      }
      seen.add(e.dumpId());
    }
  }

  /** Entries as comparable text: everything but dump ids and oids. */
  static List<String> describe(Catalog cat) {
    List<String> out = new ArrayList<>();
    for (TocEntry e : cat.entries()) {
      out.add(
          String.join(
              "|",
              e.desc(),
              String.valueOf(e.namespace()),
              e.tag(),
              String.valueOf(e.owner()),
              String.valueOf(e.section()),
              String.valueOf(e.defn()),
              String.valueOf(e.dropStmt()),
              String.valueOf(e.copyStmt())));
    }
    return out;
  }

  /** All table data of a catalog, as COPY text per table. */
  static Map<String, String> data(String db, Catalog cat) throws SQLException, IOException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = EmbeddedPg.dataSource(db).getConnection()) {
      CopyManager cm = c.unwrap(PGConnection.class).getCopyAPI();
      for (TableData t : cat.tables()) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        cm.copyOut(t.copyOutSql(), bytes);
        out.put(t.schema() + "." + t.table(), bytes.toString(StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /**
   * The whole check: pg_dump output of source and restored copy must be identical. When the server
   * is newer than the pg_dump {@link Fidelity} finds, the reader's own output for source and copy
   * (and the table data) must be identical instead.
   */
  static Catalog assertRoundTrip(String source) throws Exception {
    Catalog cat = read(source, CatalogOptions.all());
    assertInvariants(cat);
    String target = restore(source, cat);
    if (!Fidelity.pgDumpUsable()) {
      Catalog again = read(target, CatalogOptions.all());
      assertThat(describe(again)).isEqualTo(describe(cat));
      assertThat(data(target, again)).isEqualTo(data(source, cat));
      return cat;
    }
    String src = pgDump(source, "--schema-only");
    String dst = pgDump(target, "--schema-only");
    String srcData = pgDump(source, "--data-only");
    String dstData = pgDump(target, "--data-only");
    Path dir = Files.createDirectories(Path.of("target", "fidelity"));
    Files.writeString(dir.resolve(source + ".src.sql"), src + srcData);
    Files.writeString(dir.resolve(source + ".dst.sql"), dst + dstData);
    StringBuilder toc = new StringBuilder();
    for (TocEntry e : cat.entries()) {
      toc.append(e.dumpId())
          .append("; ")
          .append(e.section())
          .append(' ')
          .append(e.desc())
          .append(' ')
          .append(e.namespace())
          .append(' ')
          .append(e.tag())
          .append(' ')
          .append(e.owner())
          .append(" deps=")
          .append(e.dependencies())
          .append('\n');
    }
    Files.writeString(dir.resolve(source + ".toc"), toc);
    Files.write(dir.resolve(source + ".mine.lst"), toc(cat));
    Files.write(dir.resolve(source + ".pgdump.lst"), pgDumpToc(source));
    assertThat(dst).isEqualTo(src);
    assertThat(dstData).isEqualTo(srcData);
    assertThat(toc(cat)).as("TOC order vs pg_dump -Fc").isEqualTo(pgDumpToc(source));
    return cat;
  }
}
