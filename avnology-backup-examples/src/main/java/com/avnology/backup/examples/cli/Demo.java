package com.avnology.backup.examples.cli;

import com.avnology.backup.Backup;
import com.avnology.backup.BackupResult;
import com.avnology.backup.Compression;
import com.avnology.backup.Manifest;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.s3.S3Credentials;
import com.avnology.backup.s3.S3Sink;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The demo itself, apart from {@link DemoCommand} so that the CLI jar, which leaves out the
 * embedded PostgreSQL and S3 server, can list and parse the command without loading their classes.
 */
final class Demo {
  private Demo() {}

  /**
   * {@return the exit code}
   *
   * @param out where the report goes
   * @param identities identities to generate
   * @param jobs parallel connections
   */
  static int run(PrintWriter out, int identities, int jobs) throws Exception {
    Path work = Files.createTempDirectory("avnology-demo");
    try (EmbeddedPostgres pg =
            EmbeddedPostgres.builder()
                .setServerConfig("unix_socket_directories", work.toString())
                .setServerConfig("fsync", "off")
                .start();
        EmbeddedS3 s3 = new EmbeddedS3(Files.createDirectories(work.resolve("s3")))) {
      out.printf(
          "embedded PostgreSQL %s and S3 server (S3Proxy, %s) started%n",
          version(pg.getPostgresDatabase()), s3.endpoint());
      long t0 = System.nanoTime();
      DataSource source = database(pg, "identity");
      run(source, resource("identity-stack.sql"));
      run(
          source,
          resource("fill.sql")
              .replace(":identities", Integer.toString(identities))
              .replace(":sessions", Integer.toString(identities * 3))
              .replace(":tuples", Integer.toString(identities * 2)));
      out.printf("sample database filled in %d ms (%s)%n", ms(t0), size(source));

      s3.bucket("avnology-backups");
      S3Sink sink =
          S3Sink.builder(s3.endpoint(), "avnology-backups")
              .credentials(S3Credentials.of(s3.accessKey, s3.secretKey))
              .prefix("demo")
              .build();
      BackupResult backup =
          Backup.builder()
              .target(PostgresTarget.builder(source).jobs(jobs).build())
              .sink(sink)
              .compression(Compression.zstd(3))
              .build()
              .run();
      out.printf(
          "backup  %s to %s: %d files, %d bytes in %d ms%n",
          backup.setId(),
          sink,
          backup.targets().get(0).artifacts().size(),
          backup.size(),
          backup.duration().toMillis());
      Manifest.Artifact toc =
          backup.targets().get(0).artifacts().stream()
              .filter(a -> a.path().endsWith("toc.dat"))
              .findFirst()
              .orElseThrow();
      String downloaded = sha256(sink.presign(backup.setId(), toc.path(), Duration.ofMinutes(5)));
      out.printf(
          "presigned URL of %s downloads with a plain HTTP client: SHA-256 %s%n",
          toc.path(), downloaded.equals(toc.sha256()) ? "matches the manifest" : "DIFFERS");

      DataSource restored = database(pg, "restored");
      RestoreResult restore =
          RestorePlan.builder(sink)
              .latest()
              .target(PostgresTarget.builder(restored).jobs(jobs).build())
              .build()
              .execute();
      out.printf(
          "restore into a fresh database in %d ms (%d ms checking before writing)%n",
          restore.duration().toMillis(), restore.verifyDuration().toMillis());

      Map<String, String> a = fingerprint(source);
      Map<String, String> b = fingerprint(restored);
      out.printf("%-28s %14s   %s%n", "object", "source", "restored");
      a.forEach(
          (k, v) ->
              out.printf(
                  "%-28s %14s   %s%n",
                  k, abbreviate(v), v.equals(b.get(k)) ? "identical" : "DIFFERS: " + b.get(k)));
      boolean same = a.equals(b) && downloaded.equals(toc.sha256());
      out.printf(
          "archive is %.1f%% of the database's size; databases %s%n",
          100.0 * backup.size() / bytes(source), same ? "identical" : "DIFFER");
      return same ? 0 : 1;
    } finally {
      delete(work);
    }
  }

  private static String sha256(java.net.URI url) throws Exception {
    java.net.http.HttpResponse<byte[]> response =
        java.net.http.HttpClient.newHttpClient()
            .send(
                java.net.http.HttpRequest.newBuilder(url).build(),
                java.net.http.HttpResponse.BodyHandlers.ofByteArray());
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(response.body()));
  }

  private static DataSource database(EmbeddedPostgres pg, String name) throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return pg.getDatabase("postgres", name);
  }

  /** Per table row count and content hash, plus object counts by kind. */
  private static Map<String, String> fingerprint(DataSource ds) throws SQLException {
    Map<String, String> map = new LinkedHashMap<>();
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      query(
          s,
          "SELECT 'objects: ' || CASE relkind WHEN 'r' THEN 'tables' WHEN 'i' THEN 'indexes'"
              + " WHEN 'S' THEN 'sequences' WHEN 'v' THEN 'views' ELSE relkind::text END, count(*)"
              + " FROM pg_class WHERE relnamespace = 'public'::regnamespace GROUP BY 1 ORDER BY 1",
          map);
      query(
          s,
          "SELECT 'objects: constraints', count(*) FROM pg_constraint"
              + " WHERE connamespace = 'public'::regnamespace",
          map);
      query(
          s,
          "SELECT 'objects: functions', count(*) FROM pg_proc"
              + " WHERE pronamespace = 'public'::regnamespace",
          map);
      query(s, "SELECT 'objects: triggers', count(*) FROM pg_trigger WHERE NOT tgisinternal", map);
      for (String table :
          new String[] {
            "organizations", "identities", "sessions", "relation_tuples", "oauth2_clients"
          }) {
        query(
            s,
            "SELECT 'rows: "
                + table
                + "', count(*) || ' ' || md5(coalesce(string_agg(t::text,"
                + " E'\\n' ORDER BY t::text), '')) FROM "
                + table
                + " t",
            map);
      }
    }
    return map;
  }

  private static void query(Statement s, String sql, Map<String, String> into) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        into.put(rs.getString(1), rs.getString(2));
      }
    }
  }

  private static void run(DataSource ds, String sql) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static String resource(String name) {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/demo/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String version(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection()) {
      return c.getMetaData().getDatabaseProductVersion();
    }
  }

  private static long bytes(DataSource ds) throws SQLException {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_database_size(current_database())")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static String size(DataSource ds) throws SQLException {
    return bytes(ds) / (1024 * 1024) + " MiB";
  }

  private static String abbreviate(String v) {
    return v.length() > 14 ? v.substring(0, 14) : v;
  }

  private static long ms(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static void delete(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
