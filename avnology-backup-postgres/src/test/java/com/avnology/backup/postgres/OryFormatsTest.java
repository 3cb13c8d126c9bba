package com.avnology.backup.postgres;

import com.avnology.backup.Compression;
import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import com.avnology.backup.postgres.testing.OryFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every Ory schema, filled, through pg_dump 15's four archive variants into our reader, and through
 * our custom-format export into pg_restore 15. (Kratos is also covered field by field in
 * internal.interop.OryKratosFormatsTest.)
 */
final class OryFormatsTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"kratos", "keto", "hydra"})
  void pgDumpArchives_readByUs_andOurExport_readByPgRestore(String project) {
    OryFixtures.requireDirectory();
    Assumptions.assumeTrue(Fidelity.pgDumpUsable(), "pg_dump cannot dump this server");
    String source = EmbeddedPg.createDatabase(project);
    OryFixtures.loadSchema(project, source);
    OryFixtures.fillWithRows(source, 20);

    String[][] variants = {{"-Fc"}, {"-Fc", "-Z0"}, {"-Fd"}, {"-Ft"}};
    for (int i = 0; i < variants.length; i++) {
      Path archive = tmp.resolve(project + "-" + i);
      String[] args = new String[variants[i].length + 4];
      System.arraycopy(variants[i], 0, args, 0, variants[i].length);
      args[variants[i].length] = "-f";
      args[variants[i].length + 1] = archive.toString();
      args[variants[i].length + 2] = "-d";
      args[variants[i].length + 3] = source;
      Fidelity.runTool("pg_dump", args);
      String target = EmbeddedPg.createDatabase(project + "_ours");
      PgDumpArchive.open(archive)
          .restore(PostgresTarget.builder(EmbeddedPg.dataSource(target)).jobs(2).build());
      Fidelity.assertSameDatabase(source, target);
    }

    Path export = tmp.resolve(project + ".dump");
    PgDumpArchive.export(
        PostgresTarget.builder(EmbeddedPg.dataSource(source)).build(), export, Compression.gzip(6));
    String target = EmbeddedPg.createDatabase(project + "_pgr");
    Fidelity.runTool("pg_restore", "--exit-on-error", "-j", "2", "-d", target, export.toString());
    Fidelity.assertSameDatabase(source, target);
  }
}
