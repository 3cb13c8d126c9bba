package com.avnology.backup.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.RestorePlan;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A database restore's dry run names what it would replace and leaves the database alone. */
final class RestoreDescribeTest {
  @TempDir Path tmp;

  @Test
  void describe_eachMode_saysWhatItWouldReplace_andWritesNothing() {
    String source = EmbeddedPg.createDatabase("descsrc");
    Fidelity.applySql(
        "CREATE TABLE orgs (id int PRIMARY KEY); INSERT INTO orgs"
            + " SELECT generate_series(1, 500); CREATE TABLE users (id int); ANALYZE",
        source);
    FileSystemSink sink = FileSystemSink.of(tmp.resolve("sink"));
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).build())
        .sink(sink)
        .build()
        .run();
    String empty = EmbeddedPg.createDatabase("descempty");
    String live = EmbeddedPg.createDatabase("desclive");
    Fidelity.applySql(
        "CREATE TABLE orgs (id int PRIMARY KEY); INSERT INTO orgs"
            + " SELECT generate_series(1, 300); CREATE TABLE keep (x int); ANALYZE",
        live);
    var before = Fidelity.tableHashes(EmbeddedPg.dataSource(live));

    assertThat(describe(sink, PostgresTarget.builder(EmbeddedPg.dataSource(empty))))
        .startsWith("database " + empty + ": empty; ")
        .contains("(2 tables) restored in place on 2 connections");
    assertThat(describe(sink, PostgresTarget.builder(EmbeddedPg.dataSource(live))))
        .contains("not empty (it holds relation public.")
        .contains("the restore would be refused; --clean replaces");
    assertThat(describe(sink, PostgresTarget.builder(EmbeddedPg.dataSource(live)).clean()))
        .contains(
            "replaces, in one transaction, the 1 of the archive's 2 tables that exist,"
                + " dropping about 300 rows (public.orgs)")
        .contains("everything else in it is kept");
    assertThat(
            describe(
                sink,
                PostgresTarget.builder(EmbeddedPg.dataSource(live)).restoreMode(RestoreMode.SWAP)))
        .contains("replaced as a whole")
        .contains("swapped in at the end; the old one is dropped");
    assertThat(Fidelity.tableHashes(EmbeddedPg.dataSource(live))).isEqualTo(before);
  }

  private static String describe(FileSystemSink sink, PostgresTarget.Builder target) {
    var d = RestorePlan.builder(sink).target(target.build()).build().describe();
    assertThat(d.steps())
        .singleElement()
        .satisfies(s -> assertThat(s.target()).isEqualTo("postgres/main"));
    return d.steps().get(0).destination();
  }
}
