package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.MajorServers;
import com.avnology.backup.postgres.testing.SqlScript;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The version matrix (issue 12): the all-kinds fixture on a server of every major 13–18, backed up
 * once per source major and restored into the same major and every newer one; the restored database
 * must equal the source by catalog snapshot, table hashes and sequence values, after {@link
 * MajorNormalization} removes only what PostgreSQL itself changes between majors.
 *
 * <p>Restoring into an older major is skipped with a message: pg_dump's output is only meant to
 * load into the same or a newer major (its documentation: "it is not guaranteed that pg_dump's
 * output can be loaded into a server of an older major version — not even if the dump was taken
 * from a server of that version"), and pg_dump refuses to dump a server newer than itself.
 */
final class VersionMatrixTest {
  private static final Logger log = LoggerFactory.getLogger(VersionMatrixTest.class);
  private static final Set<String> UNSUPPORTED = Set.of("42601", "0A000");
  private static final Set<String> DEPENDENT = Set.of("42704", "42P01", "42883");

  @TempDir static Path tmp;

  private static MajorServers servers;
  private static final Map<Integer, FileSystemSink> BACKUPS = new HashMap<>();
  private static final Map<Integer, String> SOURCES = new HashMap<>();

  @BeforeAll
  static void startServers() {
    List<Integer> majors = MajorServers.available();
    assumeTrue(
        majors.equals(MajorServers.MAJORS),
        () ->
            "binaries of "
                + MajorServers.MAJORS
                + " expected in "
                + MajorServers.binariesDir().toAbsolutePath()
                + " (the build copies"
                + " them at generate-test-resources), found "
                + majors);
    servers = MajorServers.start(majors);
  }

  @AfterAll
  static void stopServers() {
    if (servers != null) {
      servers.close();
    }
  }

  static Stream<Arguments> pairs() {
    return MajorServers.MAJORS.stream()
        .flatMap(
            source -> MajorServers.MAJORS.stream().map(target -> Arguments.of(source, target)));
  }

  @ParameterizedTest(name = "PostgreSQL {0} -> {1}")
  @MethodSource("pairs")
  void backupRestore_allKindsFixture_sameCatalogAndDataOnSameOrNewerMajor(int source, int target) {
    assumeTrue(
        target >= source,
        () ->
            "not supported by PostgreSQL: a dump of "
                + source
                + " restored into the older major "
                + target
                + " (pg_dump's output loads into the same"
                + " or a newer major only)");
    assertThat(servers.reportedMajor(source)).isEqualTo(source);
    assertThat(servers.reportedMajor(target)).isEqualTo(target);
    FileSystemSink sink = backupOf(source);
    String restored = servers.createDatabase(target, "from" + source);

    RestorePlan.builder(sink)
        .latest()
        .target(PostgresTarget.builder(servers.dataSource(target, restored)).jobs(2).build())
        .build()
        .execute();

    DataSource src = servers.dataSource(source, SOURCES.get(source));
    DataSource dst = servers.dataSource(target, restored);
    Fidelity.assertSameMap(
        "catalog snapshot " + source + " -> " + target,
        MajorNormalization.snapshot(Fidelity.catalogSnapshot(src), source, target, dst),
        MajorNormalization.snapshot(Fidelity.catalogSnapshot(dst), source, target, dst));
    Fidelity.assertSameMap(
        "table hashes " + source + " -> " + target,
        Fidelity.tableHashes(src),
        Fidelity.tableHashes(dst));
    Fidelity.assertSameMap(
        "sequence values " + source + " -> " + target,
        Fidelity.sequenceValues(src),
        Fidelity.sequenceValues(dst));
  }

  /** One backup per source major, shared by the pairs that restore it. */
  private static FileSystemSink backupOf(int source) {
    return BACKUPS.computeIfAbsent(
        source,
        major -> {
          String db = loadFixture(servers, major);
          SOURCES.put(major, db);
          FileSystemSink sink = FileSystemSink.of(tmp.resolve("pg" + major));
          Backup.builder()
              .target(PostgresTarget.builder(servers.dataSource(major, db)).jobs(2).build())
              .sink(sink)
              .build()
              .run();
          return sink;
        });
  }

  /**
   * Loads the all-kinds fixture in one execution; on a major older than the newest, if that fails,
   * statement by statement into a fresh database, skipping what the major cannot parse or does not
   * have (SQLSTATE 42601 syntax error, 0A000 feature not supported) and what then refers to a
   * skipped object (42704, 42P01, 42883 undefined object, table, function). Anything else fails.
   *
   * @return the database holding the fixture
   */
  static String loadFixture(MajorServers servers, int major) {
    String sql = Fidelity.resource(Fidelity.ALL_KINDS);
    String db = servers.createDatabase(major, "allkinds");
    try (Connection c = servers.dataSource(major, db).getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
      return db;
    } catch (SQLException e) {
      if (major == MajorServers.MAJORS.get(MajorServers.MAJORS.size() - 1)) {
        throw new IllegalStateException(
            "the all-kinds fixture does not load on PostgreSQL " + major + ": " + e.getMessage(),
            e);
      }
    }
    String fresh = servers.createDatabase(major, "allkinds");
    List<String> skipped = new ArrayList<>();
    try (Connection c = servers.dataSource(major, fresh).getConnection();
        Statement s = c.createStatement()) {
      for (String statement : SqlScript.split(sql)) {
        try {
          s.execute(statement);
        } catch (SQLException e) {
          boolean unsupported = UNSUPPORTED.contains(e.getSQLState());
          boolean dependent = !skipped.isEmpty() && DEPENDENT.contains(e.getSQLState());
          if (!unsupported && !dependent) {
            throw new IllegalStateException(
                "fixture statement fails on PostgreSQL "
                    + major
                    + ": "
                    + e.getMessage()
                    + "\n"
                    + statement,
                e);
          }
          skipped.add(statement);
          log.info(
              "PostgreSQL {}: fixture statement skipped ({}): {}",
              major,
              e.getSQLState(),
              statement.replaceAll("\\s+", " "));
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
    return fresh;
  }
}
