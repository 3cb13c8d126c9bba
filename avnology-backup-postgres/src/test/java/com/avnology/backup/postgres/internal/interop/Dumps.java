package com.avnology.backup.postgres.internal.interop;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.avnology.backup.postgres.testing.EmbeddedPg;
import com.avnology.backup.postgres.testing.Fidelity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Archives made by the real pg_dump of the embedded server's databases. */
final class Dumps {
  private Dumps() {}

  /** Skips the test unless pg_dump/pg_restore exist and can dump the embedded server. */
  static void assumeTools() {
    assumeTrue(Files.isExecutable(Fidelity.pgBin().resolve("pg_restore")), "no pg_restore");
    assumeTrue(Fidelity.pgDumpUsable(), "pg_dump cannot dump the embedded server's version");
  }

  /**
   * Returns {@code file}.
   *
   * @param file where the archive goes
   * @param db the database
   * @param options pg_dump options such as {@code -Fc -Z0}
   */
  static Path pgDump(Path file, String db, String... options) {
    List<String> args = new ArrayList<>(List.of(options));
    args.addAll(List.of("-f", file.toString(), "-d", db));
    Fidelity.runTool("pg_dump", args.toArray(String[]::new));
    return file;
  }

  /**
   * {@code pg_dump -Fc … | cat > file}: pg_dump cannot seek, so data offsets stay unset.
   *
   * @param file where the archive goes
   * @param db the database
   * @return {@code file}
   */
  static Path pgDumpThroughPipe(Path file, String db) {
    String cmd =
        Fidelity.pgBin().resolve("pg_dump")
            + " -Fc --no-password -h localhost -p "
            + EmbeddedPg.port()
            + " -U postgres -d "
            + db
            + " | cat > '"
            + file
            + "'";
    shell(cmd);
    return file;
  }

  /**
   * Returns its standard output.
   *
   * @param cmd a shell command line
   */
  static String shell(String cmd) {
    try {
      Process p =
          new ProcessBuilder("bash", "-c", "set -o pipefail; " + cmd)
              .redirectErrorStream(true)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException(cmd + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
