package com.avnology.backup.postgres.internal.interop;

import static org.assertj.core.api.Assertions.assertThat;

import com.avnology.backup.Backup;
import com.avnology.backup.FileSystemSink;
import com.avnology.backup.postgres.PostgresTarget;
import com.avnology.backup.postgres.internal.archive.CompressionAlgorithm;
import com.avnology.backup.postgres.internal.engine.DirectoryArchiveSource;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our own backup's directory archive, converted to a .dump, restored by the real pg_restore. */
final class OurBackupToCustomTest {
  @TempDir Path tmp;

  @BeforeEach
  void tools() {
    Dumps.assumeTools();
  }

  @Test
  void pgRestore_ourBackupConvertedToCustom_sameSchemaAndData() throws IOException {
    String source = EmbeddedPg.createDatabase("obsrc");
    Fidelity.applySql(
        "CREATE TABLE customer (id serial PRIMARY KEY, name text NOT NULL);"
            + " CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " customer_id int NOT NULL REFERENCES customer(id), amount numeric(10,2));"
            + " CREATE INDEX orders_customer ON orders (customer_id);"
            + " INSERT INTO customer (name) SELECT 'c' || g FROM generate_series(1, 50) g;"
            + " INSERT INTO orders (customer_id, amount) SELECT 1 + g % 50, g * 1.5"
            + " FROM generate_series(1, 5000) g;",
        source);
    Path sink = tmp.resolve("sink");
    Backup.builder()
        .target(PostgresTarget.builder(EmbeddedPg.dataSource(source)).jobs(2).build())
        .sink(FileSystemSink.of(sink))
        .build()
        .run();
    Path archive;
    try (Stream<Path> files = Files.walk(sink)) {
      List<Path> tocs = files.filter(p -> p.getFileName().toString().equals("toc.dat")).toList();
      assertThat(tocs).hasSize(1);
      archive = tocs.get(0).getParent();
    }
    Path dump = tmp.resolve("ours.dump");
    CustomArchiveWriter.convert(
        new DirectoryArchiveSource(archive), dump, CompressionAlgorithm.GZIP);
    String target = EmbeddedPg.createDatabase("obdst");

    Fidelity.runTool("pg_restore", "--exit-on-error", "-j", "2", "-d", target, dump.toString());

    Fidelity.assertSameDatabase(source, target);
  }
}
