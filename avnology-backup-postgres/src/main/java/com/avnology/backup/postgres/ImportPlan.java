package com.avnology.backup.postgres;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupException;
import com.avnology.backup.HealthCheck;
import com.avnology.backup.IntegrityException;
import com.avnology.backup.RestoreDescription;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.RestoreResult;
import com.avnology.backup.StorageException;
import com.avnology.backup.TargetResult;
import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.catalog.Identifiers;
import com.avnology.backup.postgres.internal.engine.ArchiveSource;
import com.avnology.backup.postgres.internal.engine.Connections;
import com.avnology.backup.postgres.internal.engine.DatabaseRestore;
import com.avnology.backup.postgres.internal.engine.RestoreChecks;
import com.avnology.backup.postgres.internal.engine.RestoreDescriber;
import com.avnology.backup.postgres.internal.importing.Fetch;
import com.avnology.backup.postgres.internal.importing.PlainScript;
import com.avnology.backup.postgres.internal.interop.CustomArchiveSource;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a database from elsewhere (a managed service's export, another install's nightly dump) into
 * a PostgreSQL database: fetch, check, restore, migrate, check again — the managed → self-hosted
 * move as one call.
 *
 * <ul>
 *   <li>Sources: an {@code https://} or {@code http://} URL (a presigned URL: its query, which
 *       carries the signature, never appears in messages or logs), or a local file or directory. A
 *       download that breaks off is resumed with a range request and retried with back-off.
 *   <li>Formats: any pg_dump archive (custom, directory, tar), also when gzip- or zstd-compressed
 *       as a whole ({@code pg_dump -Fc | gzip > app.dump.gz}); and plain SQL scripts as {@code
 *       pg_dump -Fp} writes them ({@code .sql}, {@code .sql.gz}), run in Java in one transaction,
 *       {@code COPY … FROM stdin} blocks included.
 *   <li>Nothing is written to the database before the whole source is downloaded, decompressed and
 *       read to its end: a truncated file fails first.
 *   <li>Into an empty database by default; with the target's {@link PostgresTarget.Builder#clean()
 *       clean()} an archive replaces its own objects ({@code pg_restore --clean --if-exists}, in
 *       one transaction) and a plain script replaces the database's user schemas, in the script's
 *       transaction; a failure leaves the database as it was.
 *   <li>Then the migrations ({@link Builder#migrate(String...)}), then the healthcheck: every table
 *       holds the rows the source held (counted while the source was checked), the migrations
 *       reached their latest version.
 * </ul>
 *
 * <pre>{@code
 * RestoreResult r = ImportPlan.builder(URI.create(presignedUrl))
 *     .into(PostgresTarget.builder("jdbc:postgresql://db:5432/app?user=app").clean().build())
 *     .migrate("filesystem:/app/migrations")
 *     .build()
 *     .execute();
 * }</pre>
 *
 * <p>Immutable and thread-safe; each {@link #execute()} fetches the source again.
 */
public final class ImportPlan implements RestorePlan {
  private static final Logger log = LoggerFactory.getLogger(ImportPlan.class);

  private final URI url;
  private final Path file;
  private final PostgresTarget target;
  private final List<String> locations;
  private final String baselineVersion;
  private final int attempts;
  private final Duration backoff;
  private final Path workDirectory;

  private ImportPlan(Builder b) {
    this.url = b.url;
    this.file = b.file;
    this.target = b.target;
    this.locations = List.copyOf(b.locations);
    this.baselineVersion = b.baselineVersion;
    this.attempts = b.attempts;
    this.backoff = b.backoff;
    this.workDirectory = b.workDirectory;
  }

  /**
   * {@return a builder of the import}
   *
   * @param source an {@code http}, {@code https} or {@code file} URL
   * @throws IllegalArgumentException for another scheme
   */
  public static Builder builder(URI source) {
    requireNonNull(source, "null source");
    String scheme = source.getScheme() == null ? "" : source.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) {
      return new Builder(null, Path.of(source));
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "an import reads an http(s) URL or a file, not "
              + Fetch.redact(source)
              + " (for an s3:// object, import a presigned URL of it)");
    }
    return new Builder(source, null);
  }

  /**
   * {@return a builder of the import}
   *
   * @param file a pg_dump archive (file or directory) or plain SQL script, compressed or not
   */
  public static Builder builder(Path file) {
    return new Builder(null, requireNonNull(file, "null file"));
  }

  private String shown() {
    return url != null ? Fetch.redact(url) : file.toString();
  }

  /** The source, fetched, unwrapped and read through. */
  private final class Fetched implements AutoCloseable {
    final List<Path> temporary = new ArrayList<>();
    Path local;
    String wrapping = "";
    PgDumpArchive archive;
    PlainScript script;
    PlainScript.Summary summary;
    Map<String, Long> rows = new LinkedHashMap<>();
    long bytes;

    Fetched() {
      try {
        local = file;
        if (url != null) {
          local = temp(".download");
          bytes = Fetch.download(url, local, attempts, backoff);
        } else if (!Files.exists(file)) {
          throw new com.avnology.backup.NotFoundException("no file at " + file);
        } else if (Files.isRegularFile(file)) {
          bytes = Files.size(file);
        }
        if (Files.isRegularFile(local)) {
          Fetch.Wrapping w = Fetch.wrapping(local);
          if (w != Fetch.Wrapping.NONE) {
            Path plain = temp(".unwrapped");
            Fetch.unwrap(local, w, plain);
            wrapping = w.name().toLowerCase(Locale.ROOT) + "-compressed, ";
            local = plain;
          }
        }
        if (Files.isDirectory(local) || isArchive(local)) {
          archive = PgDumpArchive.open(local);
          rows = readThrough(archive.source());
        } else if (isScript(local)) {
          script = PlainScript.open(local);
          summary = script.scan();
          rows = summary.rows();
        } else {
          throw new IllegalArgumentException(
              shown()
                  + " is neither a pg_dump archive (custom,"
                  + " directory, tar; gzip or zstd compressed or not) nor a plain SQL script from"
                  + " pg_dump -Fp");
        }
      } catch (IOException e) {
        close();
        throw new IntegrityException(
            shown()
                + " cannot be read to its end: "
                + e.getMessage()
                + "; nothing was written to the database",
            e);
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    String format() {
      return wrapping
          + (archive != null
              ? "pg_dump " + archive.format().name().toLowerCase(Locale.ROOT) + " archive"
              : "plain SQL script");
    }

    private Path temp(String suffix) throws IOException {
      Path dir =
          workDirectory != null ? workDirectory : Path.of(System.getProperty("java.io.tmpdir"));
      Path p = Files.createTempFile(dir, "avnology-import", suffix);
      temporary.add(p);
      return p;
    }

    @Override
    public void close() {
      for (Path p : temporary) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException e) {
          log.warn("cannot delete the temporary file {}: {}", p, e.toString());
        }
      }
    }
  }

  private static boolean isArchive(Path p) throws IOException {
    byte[] head = new byte[512];
    int n;
    try (InputStream in = Files.newInputStream(p)) {
      n = in.readNBytes(head, 0, head.length);
    }
    return (n >= 5 && new String(head, 0, 5, StandardCharsets.US_ASCII).equals("PGDMP"))
        || (n >= 262 && new String(head, 257, 5, StandardCharsets.US_ASCII).equals("ustar"));
  }

  private static boolean isScript(Path p) throws IOException {
    byte[] head = new byte[4096];
    int n;
    try (InputStream in = Files.newInputStream(p)) {
      n = in.readNBytes(head, 0, head.length);
    }
    if (n == 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      int b = head[i] & 0xff;
      if (b == 0) {
        return false;
      }
    }
    String s = new String(head, 0, n, StandardCharsets.ISO_8859_1).stripLeading();
    return s.startsWith("--")
        || s.startsWith("/*")
        || s.regionMatches(true, 0, "SET ", 0, 4)
        || s.regionMatches(true, 0, "CREATE ", 0, 7)
        || s.startsWith("\\");
  }

  /** Reads every data entry of an archive to its end, counting the rows of its COPY data. */
  private static Map<String, Long> readThrough(ArchiveSource source) throws IOException {
    if (source instanceof CustomArchiveSource custom) {
      custom.verify();
    }
    Map<String, Long> rows = new LinkedHashMap<>();
    for (TocEntry e : source.toc().entries()) {
      if (e.dataFile() == null || e.dataFile().isEmpty()) {
        continue;
      }
      if (e.desc().equals("BLOBS") || e.desc().equals("BLOB")) {
        try {
          source.largeObjects(
              e, (oid, in) -> in.transferTo(java.io.OutputStream.nullOutputStream()));
        } catch (SQLException impossible) {
          throw new IOException(impossible);
        }
        continue;
      }
      boolean copy =
          e.desc().equals("TABLE DATA") && e.copyStmt() != null && !e.copyStmt().isEmpty();
      long n = 0;
      try (BufferedReader r =
          new BufferedReader(
              new InputStreamReader(source.openData(e.dataFile()), StandardCharsets.ISO_8859_1),
              1 << 16)) {
        String line;
        while ((line = r.readLine()) != null && !line.equals("\\.")) {
          n++;
        }
      }
      if (copy) {
        rows.merge(quote(e.namespace()) + "." + quote(e.tag()), n, Long::sum);
      }
    }
    return rows;
  }

  private static String quote(String name) {
    return Identifiers.alwaysQuoted(name);
  }

  /**
   * Fetches and reads the whole source (a URL is downloaded to a temporary file, deleted
   * afterwards) and looks at the database; writes nothing to it.
   *
   * @return the steps: the restore (format, size, tables and rows, what it replaces), the
   *     migrations, the healthcheck
   */
  @Override
  public RestoreDescription describe() {
    try (Fetched f = new Fetched()) {
      List<RestoreDescription.Step> steps = new ArrayList<>();
      long rows = f.rows.values().stream().mapToLong(Long::longValue).sum();
      String destination;
      if (f.archive != null) {
        destination =
            RestoreDescriber.describe(
                target.dataSource(), target.jobs(), target.options(), f.archive.source());
      } else {
        destination =
            database()
                + (target.options().clean()
                    ? ": every user schema is dropped and the script's objects created, in one"
                        + " transaction"
                    : ": must be empty; the script runs in one transaction")
                + " ("
                + f.summary.statements()
                + " statements)";
      }
      steps.add(
          new RestoreDescription.Step(
              "postgres/" + target.name(),
              shown() + " (" + f.format() + ", " + f.rows.size() + " tables, " + rows + " rows)",
              1,
              f.bytes,
              destination));
      if (!locations.isEmpty()) {
        steps.add(
            new RestoreDescription.Step(
                "migrations",
                String.join(", ", locations),
                0,
                0,
                database() + ", migrated to the latest version"));
      }
      steps.add(
          new RestoreDescription.Step(
              "healthcheck",
              "row counts of the source",
              0,
              0,
              database() + ": " + f.rows.size() + " tables must hold the source's rows"));
      return new RestoreDescription(shown(), steps);
    }
  }

  private String database() {
    try (Connection c = Connections.open(target.dataSource(), "describing the import")) {
      return "database " + c.getCatalog();
    } catch (SQLException e) {
      return "the database (unreachable: " + e.getMessage() + ")";
    }
  }

  /**
   * @return the restore, with the healthcheck's results
   * @throws IntegrityException if the source is truncated or damaged (nothing was written)
   * @throws StorageException if the download fails (nothing was written)
   * @throws BackupException if the restore fails (the database is as it was), the migrations fail
   *     (the imported data stays), or the healthcheck fails (the imported data stays)
   */
  @Override
  public RestoreResult execute() {
    long t0 = System.nanoTime();
    try (Fetched f = new Fetched()) {
      Duration verified = Duration.ofNanos(System.nanoTime() - t0);
      log.info(
          "import of {} ({}, {} bytes) read through in {} ms",
          shown(),
          f.format(),
          f.bytes,
          verified.toMillis());
      long t1 = System.nanoTime();
      long entries;
      if (!target.options().clean()) {
        Optional<String> refusal = RestoreChecks.refusal(target.dataSource(), target.options());
        if (refusal.isPresent()) {
          throw new BackupException("import of " + shown() + " refused: " + refusal.get());
        }
      }
      if (f.archive != null) {
        entries =
            DatabaseRestore.run(
                target.restoreDataSource(), target.jobs(), target.options(), f.archive.source());
      } else {
        PostgresOptions o = target.options();
        entries =
            f.script
                .run(target.dataSource(), o.clean(), o.noOwner(), o.noPrivileges())
                .statements();
      }
      Duration restored = Duration.ofNanos(System.nanoTime() - t1);
      List<HealthCheck> checks = new ArrayList<>();
      checks.add(rowCheck(f.rows));
      if (!locations.isEmpty() && checks.get(0).ok()) {
        HealthCheck migrated = migrate();
        if (!migrated.ok()) {
          throw new BackupException(
              shown()
                  + " was imported ("
                  + checks.get(0).detail()
                  + "), but the migrations failed: "
                  + migrated.detail()
                  + "; the imported data stays in the database");
        }
        checks.add(migrated);
      }
      List<HealthCheck> failed = checks.stream().filter(c -> !c.ok()).toList();
      if (!failed.isEmpty()) {
        throw new BackupException(
            shown()
                + " was imported, but the healthcheck failed: "
                + failed.stream().map(c -> c.name() + ": " + c.detail()).toList()
                + "; the imported data stays in the database");
      }
      return new RestoreResult(
          shown(),
          verified,
          Duration.ofNanos(System.nanoTime() - t0),
          List.of(
              new TargetResult(PostgresTarget.KIND, target.name(), restored, entries, List.of())),
          checks);
    }
  }

  private HealthCheck migrate() {
    try {
      Migrations.Builder migrations =
          Migrations.builder(target.dataSource()).locations(locations.toArray(String[]::new));
      if (baselineVersion != null) {
        migrations.baselineVersion(baselineVersion);
      }
      MigrationResult m = migrations.build().migrate();
      return HealthCheck.passed(
          "migrations",
          m.applied().size()
              + " applied, now at version "
              + java.util.Objects.toString(m.versionAfter(), "(none)"));
    } catch (RuntimeException e) {
      return HealthCheck.failed("migrations", e.getMessage());
    }
  }

  private HealthCheck rowCheck(Map<String, Long> rows) {
    String name = "postgres/" + target.name() + " rows";
    List<String> wrong = new ArrayList<>();
    long total = 0;
    try (Connection c = Connections.open(target.dataSource(), "checking the import");
        Statement s = c.createStatement()) {
      for (Map.Entry<String, Long> e : rows.entrySet()) {
        total += e.getValue();
        long found;
        try (ResultSet rs = s.executeQuery("SELECT count(*) FROM " + e.getKey())) {
          rs.next();
          found = rs.getLong(1);
        } catch (SQLException ex) {
          found = -1;
          if (!c.getAutoCommit()) {
            c.rollback();
          }
        }
        if (found != e.getValue() && wrong.size() < 5) {
          wrong.add(
              e.getKey()
                  + (found < 0 ? " missing" : " has " + found + " rows, not " + e.getValue()));
        }
      }
    } catch (SQLException e) {
      return HealthCheck.failed(name, "the database does not answer: " + e.getMessage());
    }
    return wrong.isEmpty()
        ? HealthCheck.passed(name, rows.size() + " tables, " + total + " rows as in the source")
        : HealthCheck.failed(name, "of " + rows.size() + " tables, " + String.join(", ", wrong));
  }

  @Override
  public String toString() {
    return "ImportPlan["
        + shown()
        + " -> "
        + target
        + (locations.isEmpty() ? "" : ", migrate " + locations)
        + "]";
  }

  /** Builds an {@link ImportPlan}. Not thread-safe. */
  public static final class Builder {
    private final URI url;
    private final Path file;
    private PostgresTarget target;
    private final List<String> locations = new ArrayList<>();
    private String baselineVersion;
    private int attempts = 5;
    private Duration backoff = Duration.ofSeconds(1);
    private Path workDirectory;

    private Builder(URI url, Path file) {
      this.url = url;
      this.file = file;
    }

    /**
     * {@return this}
     *
     * @param target the database to import into, with its options ({@code clean()}, {@code
     *     noOwner()}, {@code noPrivileges()}, {@code jobs}, restore mode)
     */
    public Builder into(PostgresTarget target) {
      this.target = requireNonNull(target, "null target");
      return this;
    }

    /**
     * {@return this}
     *
     * @param locations Flyway locations of the migrations to run after the import, to the latest
     *     version ({@code classpath:db/migration}, {@code filesystem:/app/migrations})
     */
    public Builder migrate(String... locations) {
      for (String l : locations) {
        this.locations.add(requireNonNull(l, "null location"));
      }
      return this;
    }

    /**
     * {@return this}
     *
     * @param version for a source without Flyway's history table (a schema made elsewhere): the
     *     version its schema is at, recorded as applied before the later migrations run (see {@link
     *     Migrations.Builder#baselineVersion(String)})
     */
    public Builder baselineVersion(String version) {
      this.baselineVersion = requireNonNull(version, "null version");
      return this;
    }

    /**
     * {@return this}
     *
     * @param attempts how many times a download is tried in all, resuming where it broke off
     *     (default 5)
     * @param backoff the wait before the second attempt, doubled for each next one (default 1 s)
     */
    public Builder retries(int attempts, Duration backoff) {
      if (attempts < 1) {
        throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
      }
      this.attempts = attempts;
      this.backoff = requireNonNull(backoff, "null backoff");
      return this;
    }

    /**
     * {@return this}
     *
     * @param directory where downloads and decompressed copies are kept while the import runs
     *     (default {@code java.io.tmpdir}); they are deleted at its end
     */
    public Builder workDirectory(Path directory) {
      this.workDirectory = requireNonNull(directory, "null directory");
      return this;
    }

    /**
     * {@return the plan}
     *
     * @throws IllegalStateException without a target
     */
    public ImportPlan build() {
      if (target == null) {
        throw new IllegalStateException("an import needs a target database: into(target)");
      }
      return new ImportPlan(this);
    }
  }
}
