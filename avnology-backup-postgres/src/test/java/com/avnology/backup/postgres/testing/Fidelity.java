package com.avnology.backup.postgres.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.Assumptions;
import org.postgresql.PGConnection;

/**
 * Test-side fidelity harness: compares two databases of the embedded server (see {@link
 * EmbeddedPg}) by schema (pg_dump --schema-only when the installed pg_dump can talk to the server,
 * otherwise a catalog snapshot) and by data (order-independent per-table hashes, sequence states).
 *
 * <p>The pg_dump binaries are looked up in system property {@code pg.bin}, else env {@code PG_BIN},
 * else {@code /usr/bin}.
 */
public final class Fidelity {
  /** Classpath resource of the project's all-object-kinds fixture. */
  public static final String ALL_KINDS = "/fixtures/all-kinds.sql";

  private static final String USER_NS =
      "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname !~ '^pg_(toast|temp_)'";
  private static final Pattern RESTRICT_LINE = Pattern.compile("^\\\\(un)?restrict( .*)?$");
  private static Boolean pgDumpUsable;

  private Fidelity() {}

  // ------------------------------------------------------------------ loading SQL

  /**
   * Applies a SQL script with one plain JDBC {@code Statement.execute}.
   *
   * @param sql the script (no psql meta-commands)
   * @param database the target database
   */
  public static void applySql(String sql, String database) {
    try (Connection c = EmbeddedPg.dataSource(database).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot apply SQL to " + database + ": " + e.getMessage(), e);
    }
  }

  /**
   * Returns its text (UTF-8).
   *
   * @param resource a classpath resource, such as {@link #ALL_KINDS}
   */
  public static String resource(String resource) {
    try (InputStream in = Fidelity.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalArgumentException("no such resource: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates a database and loads {@code fixtures/all-kinds.sql} into it.
   *
   * @param prefix database name prefix
   * @return the new database's name
   */
  public static String createAllKindsDatabase(String prefix) {
    String db = EmbeddedPg.createDatabase(prefix);
    applySql(resource(ALL_KINDS), db);
    return db;
  }

  /**
   * Returns it without pg_dump's restrict/unrestrict meta-command lines (nothing else changed).
   *
   * @param sql a pg_dump script
   */
  public static String stripRestrictLines(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    for (String line : sql.split("\n", -1)) {
      if (!RESTRICT_LINE.matcher(line).matches()) {
        out.append(line).append('\n');
      }
    }
    out.setLength(out.length() - 1); // split(-1) yields one more element than newlines
    return out.toString();
  }

  // ------------------------------------------------------------------ pg_dump

  /** Returns the directory holding pg_dump, pg_restore, psql. */
  public static Path pgBin() {
    String dir = System.getProperty("pg.bin");
    if (dir == null || dir.isBlank()) {
      dir = System.getenv("PG_BIN");
    }
    return Path.of(dir == null || dir.isBlank() ? "/usr/bin" : dir);
  }

  /**
   * Returns whether {@code pg_dump} exists and is not older than the embedded server's major
   * version (pg_dump refuses newer servers).
   */
  public static synchronized boolean pgDumpUsable() {
    if (pgDumpUsable == null) {
      pgDumpUsable = pgDumpMajor() >= EmbeddedPg.majorVersion();
    }
    return pgDumpUsable;
  }

  private static int pgDumpMajor() {
    Path exe = pgBin().resolve("pg_dump");
    if (!Files.isExecutable(exe)) {
      return -1;
    }
    Result r = run(List.of(exe.toString(), "--version"), null);
    Matcher m = Pattern.compile("\\) (\\d+)").matcher(r.stdout);
    return r.exit == 0 && m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /**
   * Runs {@code pg_dump --schema-only} against a database of the embedded server.
   *
   * @param database the database
   * @return the dump without restrict/unrestrict meta-command lines
   * @throws org.opentest4j.TestAbortedException if pg_dump is missing or older than the server
   */
  public static String schemaDump(String database) {
    Path exe = pgBin().resolve("pg_dump");
    Assumptions.assumeTrue(
        Files.isExecutable(exe), "pg_dump not found at " + exe + " (set -Dpg.bin or PG_BIN)");
    Assumptions.assumeTrue(
        pgDumpUsable(),
        () ->
            exe
                + " (major "
                + pgDumpMajor()
                + ") refuses the embedded server (major "
                + EmbeddedPg.majorVersion()
                + "); use catalogSnapshot instead");
    Result r =
        run(
            List.of(
                exe.toString(),
                "--schema-only",
                "--no-password",
                "-h",
                "localhost",
                "-p",
                String.valueOf(EmbeddedPg.port()),
                "-U",
                "postgres",
                "-d",
                database),
            null);
    if (r.exit != 0) {
      throw new IllegalStateException(
          "pg_dump of " + database + " failed (" + r.exit + "): " + r.stderr);
    }
    return stripRestrictLines(r.stdout);
  }

  /**
   * Runs a binary from {@link #pgBin()} with the embedded server's connection options appended
   * ({@code -h localhost -p PORT -U postgres}). For ad-hoc comparisons with real tools (pg_restore
   * of our archives, pg_dump -Fc archives to compare against).
   *
   * @param tool such as {@code pg_restore}
   * @param args further arguments
   * @return standard output
   */
  public static String runTool(String tool, String... args) {
    Path exe = pgBin().resolve(tool);
    Assumptions.assumeTrue(Files.isExecutable(exe), tool + " not found at " + exe);
    List<String> cmd = new ArrayList<>(List.of(exe.toString()));
    cmd.addAll(List.of(args));
    cmd.addAll(
        List.of(
            "--no-password",
            "-h",
            "localhost",
            "-p",
            String.valueOf(EmbeddedPg.port()),
            "-U",
            "postgres"));
    Result r = run(cmd, null);
    if (r.exit != 0) {
      throw new IllegalStateException(
          String.join(" ", cmd) + " failed (" + r.exit + "): " + r.stderr);
    }
    return r.stdout;
  }

  private record Result(int exit, String stdout, String stderr) {}

  private static Result run(List<String> cmd, Path dir) {
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd);
      if (dir != null) {
        pb.directory(dir.toFile());
      }
      pb.environment().remove("PGPASSWORD");
      pb.environment().put("PGCONNECT_TIMEOUT", "10");
      Path err = Files.createTempFile("pgtool", ".err");
      try {
        pb.redirectError(err.toFile());
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
          p.destroyForcibly();
          throw new IllegalStateException("timeout: " + cmd);
        }
        return new Result(
            p.exitValue(), new String(out, StandardCharsets.UTF_8), Files.readString(err));
      } finally {
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  // ------------------------------------------------------------------ data

  /**
   * Hashes every user table's rows independently of physical order: partitions are included,
   * partitioned parents (which hold no rows) are not; populated materialized views are included,
   * unpopulated ones are reported as such. Extension-owned tables are skipped.
   *
   * @param ds the database
   * @return qualified name (quoted where needed) → {@code rows=N sha256=HEX}
   */
  public static Map<String, String> tableHashes(DataSource ds) {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = ds.getConnection()) {
      normalizeSession(c);
      List<String[]> rels = new ArrayList<>();
      try (Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT format('%I.%I', n.nspname, c.relname), c.relkind, c.relispopulated"
                      + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                      + " WHERE c.relkind IN ('r', 'm') AND "
                      + USER_NS
                      + " AND "
                      + notExtensionMember("pg_class", "c.oid")
                      + " ORDER BY 1")) {
        while (rs.next()) {
          rels.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
        }
      }
      PGConnection pg = c.unwrap(PGConnection.class);
      for (String[] rel : rels) {
        if ("m".equals(rel[1]) && "f".equals(rel[2])) {
          out.put(rel[0], "unpopulated materialized view");
          continue;
        }
        HashingStream h = new HashingStream();
        pg.getCopyAPI()
            .copyOut(
                "COPY (SELECT * FROM "
                    + rel[0]
                    + " AS \"fidelity row\""
                    + " ORDER BY ROW(\"fidelity row\".*)::text COLLATE \"C\") TO STDOUT",
                h);
        out.put(
            rel[0], "rows=" + h.newlines + " sha256=" + HexFormat.of().formatHex(h.md.digest()));
      }
    } catch (SQLException | IOException e) {
      throw new IllegalStateException("cannot hash tables: " + e.getMessage(), e);
    }
    return out;
  }

  /**
   * Returns qualified sequence name \u2192 {@code last_value=N is_called=B} (sequence data is not
   * part of a schema-only dump, so it is compared here).
   *
   * @param ds the database
   */
  public static Map<String, String> sequenceValues(DataSource ds) {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = ds.getConnection()) {
      normalizeSession(c);
      for (String seq :
          names(
              c,
              "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c"
                  + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'S' AND "
                  + USER_NS
                  + " AND "
                  + notExtensionMember("pg_class", "c.oid"))) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery("SELECT last_value, is_called FROM " + seq)) {
          rs.next();
          out.put(seq, "last_value=" + rs.getString(1) + " is_called=" + rs.getBoolean(2));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static final class HashingStream extends OutputStream {
    final MessageDigest md;
    long newlines;

    HashingStream() {
      try {
        md = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void write(int b) {
      md.update((byte) b);
      if (b == '\n') {
        newlines++;
      }
    }

    @Override
    public void write(byte[] b, int off, int len) {
      md.update(b, off, len);
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') { // COPY text format escapes embedded newlines: one per row
          newlines++;
        }
      }
    }
  }

  /** Makes value output independent of the connection's defaults. */
  private static void normalizeSession(Connection c) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(
          "SET search_path = pg_catalog; SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY';"
              + " SET IntervalStyle = 'postgres'; SET extra_float_digits = 3;"
              + " SET bytea_output = 'hex'; SET row_security = off");
    }
  }

  private static String notExtensionMember(String catalog, String oidExpr) {
    return "NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '"
        + catalog
        + "'::regclass"
        + " AND d.objid = "
        + oidExpr
        + " AND d.deptype = 'e')";
  }

  private static List<String> names(Connection c, String sql) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  // ------------------------------------------------------------------ catalog snapshot

  /**
   * Describes every user object from the catalogs, for servers pg_dump cannot dump. Keys are {@code
   * "<kind> <qualified name>"} and contain no OIDs; values are JSON objects. Extension members are
   * skipped (the extension itself is listed with its version and schema).
   *
   * @param ds the database
   * @return sorted key → description
   */
  public static Map<String, String> catalogSnapshot(DataSource ds) {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = ds.getConnection()) {
      normalizeSession(c);
      for (String q : snapshotQueries(c.getMetaData().getDatabaseMajorVersion())) {
        try (Statement s = c.createStatement();
            ResultSet rs = s.executeQuery(q)) {
          while (rs.next()) {
            String prev = out.put(rs.getString(1), rs.getString(2));
            if (prev != null) {
              throw new IllegalStateException("duplicate snapshot key " + rs.getString(1));
            }
          }
        } catch (SQLException e) {
          throw new IllegalStateException("snapshot query failed: " + e.getMessage() + "\n" + q, e);
        }
      }
      for (Map.Entry<String, String> seq : sequenceValues(ds).entrySet()) {
        out.merge("sequence " + seq.getKey(), seq.getValue(), (a, b) -> a + " " + b);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static final String REL = "format('%I.%I', n.nspname, c.relname)";
  private static final String OWNER = "pg_get_userbyid(%s)";

  private static List<String> snapshotQueries(int serverMajor) {
    // multiranges (and pg_range.rngmultitypid) exist from PostgreSQL 14 on
    String multirange = serverMajor >= 14 ? "format_type(r.rngmultitypid, NULL)" : "NULL";
    String relFilter = USER_NS + " AND " + notExtensionMember("pg_class", "c.oid");
    return List.of(
        // schemas
        "SELECT 'schema ' || quote_ident(n.nspname), jsonb_build_object('owner', "
            + String.format(OWNER, "n.nspowner")
            + ", 'acl', n.nspacl::text,"
            + " 'comment', obj_description(n.oid, 'pg_namespace'))::text"
            + " FROM pg_namespace n WHERE "
            + USER_NS
            + " AND "
            + notExtensionMember("pg_namespace", "n.oid"),
        // extensions
        "SELECT 'extension ' || quote_ident(e.extname), jsonb_build_object('version', e.extversion,"
            + " 'schema', e.extnamespace::regnamespace::text, 'config', e.extconfig::regclass[]::text,"
            + " 'comment', obj_description(e.oid, 'pg_extension'))::text FROM pg_extension e",
        // privileges on extension members (those with any), which CREATE EXTENSION alone resets
        "SELECT 'extension member ' || pg_describe_object(d.classid, d.objid, 0), m.acl"
            + " FROM pg_depend d, LATERAL (SELECT CASE d.classid"
            + " WHEN 'pg_proc'::regclass THEN (SELECT proacl::text FROM pg_proc WHERE oid = d.objid)"
            + " WHEN 'pg_type'::regclass THEN (SELECT typacl::text FROM pg_type WHERE oid = d.objid)"
            + " WHEN 'pg_class'::regclass THEN (SELECT relacl::text FROM pg_class WHERE oid = d.objid)"
            + " WHEN 'pg_language'::regclass THEN"
            + "   (SELECT lanacl::text FROM pg_language WHERE oid = d.objid) END AS acl) m"
            + " WHERE d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass"
            + " AND m.acl IS NOT NULL",
        // relations (tables, partitions, views, matviews, sequences, foreign tables)
        "SELECT 'relation ' || "
            + REL
            + ", jsonb_build_object("
            + "'kind', c.relkind, 'persistence', c.relpersistence, 'owner', "
            + String.format(OWNER, "c.relowner")
            + ", 'acl', c.relacl::text,"
            + " 'options', c.reloptions::text, 'rls', c.relrowsecurity,"
            + " 'force_rls', c.relforcerowsecurity, 'replident', c.relreplident,"
            + " 'populated', c.relispopulated,"
            + " 'partkey', CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,"
            + " 'partition_bound', pg_get_expr(c.relpartbound, c.oid),"
            + " 'inherits', (SELECT array_agg(i.inhparent::regclass::text ORDER BY i.inhseqno)"
            + "   FROM pg_inherits i WHERE i.inhrelid = c.oid)::text,"
            + " 'view', CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END,"
            + " 'comment', obj_description(c.oid, 'pg_class'))::text"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND "
            + relFilter,
        // columns of relations and composite types (logical position, not attnum)
        "SELECT 'column ' || "
            + REL
            + " || '.' || quote_ident(a.attname), jsonb_build_object("
            + "'position', row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),"
            + " 'type', format_type(a.atttypid, a.atttypmod), 'notnull', a.attnotnull,"
            + " 'identity', a.attidentity, 'generated', a.attgenerated,"
            + " 'default', pg_get_expr(ad.adbin, ad.adrelid),"
            + " 'collation', CASE WHEN a.attcollation <> 0 THEN a.attcollation::regcollation::text END,"
            + " 'stattarget', a.attstattarget::int, 'storage', a.attstorage,"
            + " 'options', a.attoptions::text, 'acl', a.attacl::text,"
            + " 'comment', col_description(c.oid, a.attnum))::text"
            + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped"
            + " LEFT JOIN pg_attrdef ad ON ad.adrelid = c.oid AND ad.adnum = a.attnum"
            + " WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND "
            + relFilter,
        // table constraints
        "SELECT 'constraint ' || "
            + REL
            + " || '.' || quote_ident(k.conname), jsonb_build_object("
            + "'type', k.contype, 'def', pg_get_constraintdef(k.oid, true),"
            + " 'deferrable', k.condeferrable, 'deferred', k.condeferred,"
            + " 'validated', k.convalidated, 'noinherit', CASE WHEN k.contype = 'c' THEN k.connoinherit END,"
            + " 'comment', obj_description(k.oid, 'pg_constraint'))::text"
            + " FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
            + relFilter,
        // domain constraints
        "SELECT 'constraint domain ' || format('%I.%I', n.nspname, t.typname) || '.'"
            + " || quote_ident(k.conname), jsonb_build_object('type', k.contype,"
            + " 'def', pg_get_constraintdef(k.oid, true), 'validated', k.convalidated,"
            + " 'comment', obj_description(k.oid, 'pg_constraint'))::text"
            + " FROM pg_constraint k JOIN pg_type t ON t.oid = k.contypid"
            + " JOIN pg_namespace n ON n.oid = t.typnamespace WHERE "
            + USER_NS
            + " AND "
            + notExtensionMember("pg_type", "t.oid"),
        // indexes
        "SELECT 'index ' || "
            + REL
            + ", jsonb_build_object("
            + "'def', pg_get_indexdef(c.oid), 'clustered', x.indisclustered,"
            + " 'replident', x.indisreplident, 'valid', x.indisvalid,"
            + " 'constraint', (SELECT k.conname FROM pg_constraint k WHERE k.conindid = c.oid"
            + "   AND k.contype IN ('p', 'u', 'x')),"
            + " 'parent', (SELECT i.inhparent::regclass::text FROM pg_inherits i"
            + "   WHERE i.inhrelid = c.oid),"
            + " 'stattargets', (SELECT array_agg(a.attstattarget::int ORDER BY a.attnum)"
            + "   FROM pg_attribute a WHERE a.attrelid = c.oid)::text,"
            + " 'comment', obj_description(c.oid, 'pg_class'))::text"
            + " FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
            + relFilter,
        // triggers (not the internal ones behind foreign keys)
        "SELECT 'trigger ' || "
            + REL
            + " || '.' || quote_ident(g.tgname), jsonb_build_object("
            + "'def', pg_get_triggerdef(g.oid, true), 'enabled', g.tgenabled,"
            + " 'comment', obj_description(g.oid, 'pg_trigger'))::text"
            + " FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace"
            + " WHERE NOT g.tgisinternal AND "
            + relFilter,
        // functions, procedures, aggregates, window functions
        "SELECT 'function ' || format('%I.%I', n.nspname, p.proname) || '('"
            + " || pg_get_function_identity_arguments(p.oid) || ')', jsonb_build_object("
            + "'kind', p.prokind,"
            + " 'def', CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END,"
            + " 'aggregate', (SELECT jsonb_build_object('transfn', g.aggtransfn::regproc::text,"
            + "   'finalfn', g.aggfinalfn::regproc::text, 'combinefn', g.aggcombinefn::regproc::text,"
            + "   'transtype', format_type(g.aggtranstype, NULL), 'initval', g.agginitval,"
            + "   'sortop', g.aggsortop::regoperator::text, 'aggkind', g.aggkind,"
            + "   'args', pg_get_function_arguments(p.oid),"
            + "   'result', pg_get_function_result(p.oid))"
            + "   FROM pg_aggregate g WHERE g.aggfnoid = p.oid),"
            + " 'owner', "
            + String.format(OWNER, "p.proowner")
            + ", 'acl', p.proacl::text,"
            + " 'comment', obj_description(p.oid, 'pg_proc'))::text"
            + " FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace"
            + " WHERE "
            + USER_NS
            + " AND "
            + notExtensionMember("pg_proc", "p.oid"),
        // types: enums, domains, composites, ranges (not table row types, arrays, multiranges)
        "SELECT 'type ' || format('%I.%I', n.nspname, t.typname), jsonb_build_object("
            + "'typtype', t.typtype, 'owner', "
            + String.format(OWNER, "t.typowner")
            + ", 'acl', t.typacl::text, 'comment', obj_description(t.oid, 'pg_type'),"
            + " 'enum', (SELECT array_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_enum e"
            + "   WHERE e.enumtypid = t.oid)::text,"
            + " 'domain_base', CASE WHEN t.typtype = 'd'"
            + "   THEN format_type(t.typbasetype, t.typtypmod) END,"
            + " 'domain_notnull', t.typnotnull, 'default', t.typdefault,"
            + " 'collation', CASE WHEN t.typcollation <> 0 THEN t.typcollation::regcollation::text END,"
            + " 'range', (SELECT jsonb_build_object('subtype', format_type(r.rngsubtype, NULL),"
            + "   'opclass', (SELECT format('%I.%I', on2.nspname, oc.opcname) FROM pg_opclass oc"
            + "     JOIN pg_namespace on2 ON on2.oid = oc.opcnamespace WHERE oc.oid = r.rngsubopc),"
            + "   'collation', CASE WHEN r.rngcollation <> 0"
            + "     THEN r.rngcollation::regcollation::text END,"
            + "   'canonical', r.rngcanonical::regproc::text, 'subdiff', r.rngsubdiff::regproc::text,"
            + "   'multirange', "
            + multirange
            + ")"
            + "   FROM pg_range r WHERE r.rngtypid = t.oid))::text"
            + " FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace"
            + " WHERE t.typtype IN ('e', 'd', 'c', 'r')"
            + " AND (t.typtype <> 'c' OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')"
            + " AND "
            + USER_NS
            + " AND "
            + notExtensionMember("pg_type", "t.oid"),
        // sequence parameters (values are merged in from sequenceValues)
        "SELECT 'sequence ' || "
            + REL
            + ", jsonb_build_object("
            + "'type', format_type(s.seqtypid, NULL), 'start', s.seqstart,"
            + " 'increment', s.seqincrement, 'max', s.seqmax, 'min', s.seqmin,"
            + " 'cache', s.seqcache, 'cycle', s.seqcycle,"
            + " 'owned_by', (SELECT d.deptype::text || ':' || d.refobjid::regclass::text || '.'"
            + "   || quote_ident(a.attname) FROM pg_depend d JOIN pg_attribute a"
            + "   ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid"
            + "   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid"
            + "   AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')))::text"
            + " FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
            + relFilter,
        // row-level security policies
        "SELECT 'policy ' || "
            + REL
            + " || '.' || quote_ident(p.polname), jsonb_build_object("
            + "'cmd', p.polcmd, 'permissive', p.polpermissive,"
            + " 'roles', (SELECT array_agg(CASE WHEN r = 0 THEN 'public' ELSE pg_get_userbyid(r) END"
            + "   ORDER BY 1) FROM unnest(p.polroles) r)::text,"
            + " 'using', pg_get_expr(p.polqual, p.polrelid),"
            + " 'check', pg_get_expr(p.polwithcheck, p.polrelid),"
            + " 'comment', obj_description(p.oid, 'pg_policy'))::text"
            + " FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid"
            + " JOIN pg_namespace n ON n.oid = c.relnamespace WHERE "
            + relFilter,
        // extended statistics
        "SELECT 'statistics ' || format('%I.%I', n.nspname, s.stxname), jsonb_build_object("
            + "'def', pg_get_statisticsobjdef(s.oid),"
            + " 'comment', obj_description(s.oid, 'pg_statistic_ext'))::text"
            + " FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace"
            + " WHERE "
            + USER_NS,
        // collations
        "SELECT 'collation ' || format('%I.%I', n.nspname, l.collname), jsonb_build_object("
            + "'provider', l.collprovider, 'deterministic', l.collisdeterministic,"
            + " 'collate', l.collcollate, 'ctype', l.collctype,"
            + " 'comment', obj_description(l.oid, 'pg_collation'))::text"
            + " FROM pg_collation l JOIN pg_namespace n ON n.oid = l.collnamespace"
            + " WHERE "
            + USER_NS
            + " AND "
            + notExtensionMember("pg_collation", "l.oid"),
        // operators
        "SELECT 'operator ' || o.oid::regoperator::text, jsonb_build_object("
            + "'code', o.oprcode::regproc::text, 'commutator', o.oprcom::regoperator::text,"
            + " 'negator', o.oprnegate::regoperator::text, 'restrict', o.oprrest::regproc::text,"
            + " 'join', o.oprjoin::regproc::text, 'comment', obj_description(o.oid, 'pg_operator'))::text"
            + " FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace"
            + " WHERE "
            + USER_NS
            + " AND "
            + notExtensionMember("pg_operator", "o.oid"),
        // text search configurations and dictionaries
        "SELECT 'text search configuration ' || format('%I.%I', n.nspname, f.cfgname),"
            + " jsonb_build_object('parser', (SELECT format('%I.%I', pn.nspname, p.prsname)"
            + "   FROM pg_ts_parser p JOIN pg_namespace pn ON pn.oid = p.prsnamespace"
            + "   WHERE p.oid = f.cfgparser),"
            + " 'mappings', (SELECT array_agg(m.maptokentype || ':' || m.mapseqno || ':'"
            + "   || m.mapdict::regdictionary::text ORDER BY m.maptokentype, m.mapseqno)"
            + "   FROM pg_ts_config_map m WHERE m.mapcfg = f.oid)::text,"
            + " 'comment', obj_description(f.oid, 'pg_ts_config'))::text"
            + " FROM pg_ts_config f JOIN pg_namespace n ON n.oid = f.cfgnamespace"
            + " WHERE "
            + USER_NS
            + " AND "
            + notExtensionMember("pg_ts_config", "f.oid"),
        // default privileges
        "SELECT 'default acl ' || pg_get_userbyid(a.defaclrole) || ' '"
            + " || coalesce(quote_ident(n.nspname), '-') || ' ' || a.defaclobjtype::text,"
            + " a.defaclacl::text FROM pg_default_acl a"
            + " LEFT JOIN pg_namespace n ON n.oid = a.defaclnamespace",
        // event triggers
        "SELECT 'event trigger ' || quote_ident(e.evtname), jsonb_build_object('event', e.evtevent,"
            + " 'function', e.evtfoid::regproc::text, 'enabled', e.evtenabled,"
            + " 'tags', e.evttags::text)::text FROM pg_event_trigger e");
  }

  // ------------------------------------------------------------------ assertions

  /**
   * Asserts two databases of the embedded server hold the same schema and data: schema dumps equal
   * when pg_dump can dump the server, otherwise catalog snapshots equal; table hashes and sequence
   * values equal in both cases.
   *
   * @param sourceDb the original database
   * @param targetDb the restored database
   */
  public static void assertSameDatabase(String sourceDb, String targetDb) {
    if (pgDumpUsable()) {
      assertSameText("pg_dump --schema-only", schemaDump(sourceDb), schemaDump(targetDb));
    } else {
      assertSameMap(
          "catalog snapshot",
          catalogSnapshot(EmbeddedPg.dataSource(sourceDb)),
          catalogSnapshot(EmbeddedPg.dataSource(targetDb)));
    }
    assertSameMap(
        "table hashes",
        tableHashes(EmbeddedPg.dataSource(sourceDb)),
        tableHashes(EmbeddedPg.dataSource(targetDb)));
    assertSameMap(
        "sequence values",
        sequenceValues(EmbeddedPg.dataSource(sourceDb)),
        sequenceValues(EmbeddedPg.dataSource(targetDb)));
  }

  /**
   * Asserts two maps are equal, failing with a per-key diff ({@code -} only in expected, {@code +}
   * only in actual, {@code ~} different values).
   *
   * @param what what is compared, for the message
   * @param expected the source side
   * @param actual the target side
   */
  public static void assertSameMap(
      String what, Map<String, String> expected, Map<String, String> actual) {
    List<String> diff = new ArrayList<>();
    TreeSet<String> keys = new TreeSet<>(expected.keySet());
    keys.addAll(actual.keySet());
    for (String k : keys) {
      String e = expected.get(k);
      String a = actual.get(k);
      if (a == null) {
        diff.add("- " + k + " = " + e);
      } else if (e == null) {
        diff.add("+ " + k + " = " + a);
      } else if (!e.equals(a)) {
        diff.add("~ " + k + "\n    source: " + e + "\n    target: " + a);
      }
    }
    assertThat(diff)
        .withFailMessage(
            "%s differ in %d entries (- only in source, + only in target, ~ changed):%n%s",
            what, diff.size(), String.join("\n", diff.subList(0, Math.min(diff.size(), 200))))
        .isEmpty();
  }

  /**
   * Asserts two texts are equal, failing with a line diff.
   *
   * @param what what is compared, for the message
   * @param expected the source side
   * @param actual the target side
   */
  public static void assertSameText(String what, String expected, String actual) {
    if (expected.equals(actual)) {
      return;
    }
    List<String> diff = lineDiff(expected.split("\n", -1), actual.split("\n", -1));
    assertThat(actual)
        .withFailMessage(
            "%s differ (- source, + target):%n%s",
            what, String.join("\n", diff.subList(0, Math.min(diff.size(), 300))))
        .isEqualTo(expected);
  }

  /** A small LCS line diff of the region between the common prefix and suffix. */
  static List<String> lineDiff(String[] a, String[] b) {
    int pre = 0;
    while (pre < a.length && pre < b.length && a[pre].equals(b[pre])) {
      pre++;
    }
    int suf = 0;
    while (suf < a.length - pre
        && suf < b.length - pre
        && a[a.length - 1 - suf].equals(b[b.length - 1 - suf])) {
      suf++;
    }
    int n = a.length - pre - suf;
    int m = b.length - pre - suf;
    List<String> out = new ArrayList<>();
    if ((long) n * m > 25_000_000L) {
      out.add("@@ line " + (pre + 1) + ": regions too large to diff (" + n + " vs " + m + ")");
      for (int i = 0; i < Math.min(n, 20); i++) {
        out.add("-" + a[pre + i]);
      }
      for (int j = 0; j < Math.min(m, 20); j++) {
        out.add("+" + b[pre + j]);
      }
      return out;
    }
    int[][] lcs = new int[n + 1][m + 1];
    for (int i = n - 1; i >= 0; i--) {
      for (int j = m - 1; j >= 0; j--) {
        lcs[i][j] =
            a[pre + i].equals(b[pre + j])
                ? lcs[i + 1][j + 1] + 1
                : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    int i = 0;
    int j = 0;
    boolean inHunk = false;
    while (i < n || j < m) {
      if (i < n && j < m && a[pre + i].equals(b[pre + j])) {
        inHunk = false;
        i++;
        j++;
        continue;
      }
      if (!inHunk) {
        out.add("@@ source line " + (pre + i + 1) + ", target line " + (pre + j + 1));
        inHunk = true;
      }
      if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
        out.add("+" + b[pre + j++]);
      } else {
        out.add("-" + a[pre + i++]);
      }
    }
    return out;
  }
}
