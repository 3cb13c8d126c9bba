package com.avnology.backup.postgres.seeding;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupException;
import com.avnology.backup.BackupSink;
import com.avnology.backup.Compression;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.StorageException;
import com.avnology.backup.postgres.Migrations;
import com.avnology.backup.postgres.PgDumpArchive;
import com.avnology.backup.postgres.PostgresTarget;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * One step that fills a snapshot's database when it is captured: migrations, SQL files, a copy of
 * another database, a backup set or a pg_dump archive. A snapshot applies its seeds in order, into
 * an empty database.
 *
 * <pre>{@code
 * DatabaseSnapshot.builder(jdbcUrl)
 *     .seed(Seed.migrations("classpath:db/migration"), Seed.sql(Path.of("fixtures.sql")))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Seed {
  private static final Pattern PSQL_RESTRICT = Pattern.compile("(?m)^\\\\(un)?restrict( .*)?$");

  private final String description;
  private final Consumer<DataSource> apply;

  private Seed(String description, Consumer<DataSource> apply) {
    this.description = description;
    this.apply = apply;
  }

  /**
   * {@return a seed that runs the migrations ({@link Migrations#migrate()})}
   *
   * @param locations Flyway locations, such as {@code classpath:db/migration} or {@code
   *     filesystem:/app/migrations}
   * @throws IllegalArgumentException if no location is given
   */
  public static Seed migrations(String... locations) {
    List<String> list = List.of(requireNonNull(locations, "null locations"));
    if (list.isEmpty()) {
      throw new IllegalArgumentException(
          "no migration location: give at least one, such as" + " classpath:db/migration");
    }
    return new Seed(
        "migrations " + list,
        ds -> Migrations.builder(ds).locations(list.toArray(String[]::new)).build().migrate());
  }

  /**
   * {@return a seed that runs them}
   *
   * @param files SQL scripts run in order, each as one multi-statement string; psql's {@code
   *     \restrict} lines (pg_dump 15.14+) are removed, other psql meta-commands are not supported
   * @throws IllegalArgumentException if no file is given
   */
  public static Seed sql(Path... files) {
    List<Path> list = List.of(requireNonNull(files, "null files"));
    if (list.isEmpty()) {
      throw new IllegalArgumentException("no SQL file: give at least one");
    }
    return new Seed(
        "SQL files " + list, ds -> list.forEach(f -> execute(ds, read(f), f.toString())));
  }

  /**
   * {@return a seed that runs them}
   *
   * @param sql statements, separated by semicolons
   */
  public static Seed statements(String sql) {
    requireNonNull(sql, "null sql");
    return new Seed("SQL statements", ds -> execute(ds, sql, "the statements"));
  }

  /**
   * {@return a seed that copies its schema and data (this library's backup and restore)}
   *
   * @param source a database to copy, on any server; read in one consistent snapshot and never
   *     changed
   */
  public static Seed database(DataSource source) {
    requireNonNull(source, "null source");
    return new Seed(
        "a copy of " + source,
        ds -> {
          Path dir = tempDirectory();
          try {
            PgDumpArchive.export(
                    PostgresTarget.builder(source).build(),
                    dir.resolve("db.dump"),
                    Compression.none())
                .restore(PostgresTarget.builder(ds).build());
          } finally {
            deleteQuietly(dir.resolve("db.dump"));
            deleteQuietly(dir);
          }
        });
  }

  /**
   * {@return a seed that restores the PostgreSQL target {@code main} of the newest set}
   *
   * @param sink where the backup sets are
   */
  public static Seed backupSet(BackupSink sink) {
    return backupSet(sink, null, "main");
  }

  /**
   * {@return a seed that restores that target of the set (verified as it loads)}
   *
   * @param sink where the backup sets are
   * @param setId the set, or null for the newest
   * @param target the PostgreSQL target's name in the set, such as {@code main}
   */
  public static Seed backupSet(BackupSink sink, String setId, String target) {
    requireNonNull(sink, "null sink");
    requireNonNull(target, "null target");
    return new Seed(
        "postgres/" + target + " of set " + (setId == null ? "latest" : setId) + " in " + sink,
        ds -> {
          var plan =
              RestorePlan.builder(sink).target(PostgresTarget.builder(ds).name(target).build());
          (setId == null ? plan.latest() : plan.set(setId)).build().execute();
        });
  }

  /**
   * {@return a seed that restores it}
   *
   * @param file a pg_dump archive: custom ({@code -Fc}), directory or tar format, ours or pg_dump's
   */
  public static Seed archive(Path file) {
    requireNonNull(file, "null file");
    return new Seed(
        "archive " + file,
        ds -> PgDumpArchive.open(file).restore(PostgresTarget.builder(ds).build()));
  }

  void apply(DataSource database) {
    apply.accept(database);
  }

  @Override
  public String toString() {
    return "Seed[" + description + "]";
  }

  private static String read(Path file) {
    try {
      return PSQL_RESTRICT.matcher(Files.readString(file, StandardCharsets.UTF_8)).replaceAll("");
    } catch (IOException e) {
      throw new StorageException("cannot read SQL file " + file + ": " + e, e);
    }
  }

  private static void execute(DataSource ds, String sql, String what) {
    try (Connection c = ds.getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new BackupException("seeding failed in " + what + ": " + e.getMessage(), e);
    }
  }

  private static Path tempDirectory() {
    try {
      return Files.createTempDirectory("avnology-seed");
    } catch (IOException e) {
      throw new StorageException(
          "cannot create a temporary directory in "
              + System.getProperty("java.io.tmpdir")
              + ": "
              + e
              + "; set java.io.tmpdir",
          e);
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a temporary file; the OS cleans its temp directory
    }
  }

  static String describe(List<Seed> seeds) {
    return Arrays.toString(seeds.stream().map(s -> s.description).toArray());
  }
}
