package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.PostgresOptions;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Our restore engine on archives written by the real pg_dump 15: same result as the source. */
final class PgDumpArchiveRestoreTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(ints = {0, 6})
  void restore_pgDumpDirectoryArchive_sameSchemaAndData(int level) {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Fidelity.pgDumpUsable(), "pg_dump cannot dump this server version");
    String source = Fidelity.createAllKindsDatabase("src");
    Path dir = tmp.resolve("dump");
    Fidelity.runTool(
        "pg_dump", "-Fd", "-Z", Integer.toString(level), "-f", dir.toString(), "-d", source);
    String target = EmbeddedPg.createDatabase("dst");

    new ArchiveRestore(EmbeddedPg.dataSource(target), 2, PostgresOptions.defaults())
        .restore(new DirectoryArchiveSource(dir));

    Fidelity.assertSameDatabase(source, target);
  }
}
