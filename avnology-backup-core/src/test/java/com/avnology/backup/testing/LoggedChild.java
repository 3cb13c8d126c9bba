package com.avnology.backup.testing;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} in a fresh JVM whose slf4j-simple logs everything at DEBUG to a file, so a
 * test can scan all that the library logged, printed and threw for secrets.
 */
public final class LoggedChild {
  private LoggedChild() {}

  /**
   * Returns the log file's and stdout/stderr's text, joined.
   *
   * @param main the class to run
   * @param dir where the log and output files go
   * @param env extra environment variables
   * @param args its arguments
   */
  public static String run(Class<?> main, Path dir, Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path log = dir.resolve(main.getSimpleName() + ".log");
    Path out = dir.resolve(main.getSimpleName() + ".out");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-Xmx256m",
                "-Djava.io.tmpdir=" + dir,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-Dorg.slf4j.simpleLogger.logFile=" + log,
                "-cp",
                System.getProperty("java.class.path"),
                main.getName()));
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError("child timed out: " + Files.readString(out));
    }
    String output = Files.readString(out);
    if (p.exitValue() != 0) {
      throw new AssertionError("child failed: " + output);
    }
    return (Files.exists(log) ? Files.readString(log) : "") + "\n" + output;
  }

  /**
   * Returns its stack trace with every cause and suppressed exception, and each one's toString.
   *
   * @param t a throwable
   */
  public static String describe(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    for (Throwable c = t; c != null; c = c.getCause()) {
      w.append("\n").append(String.valueOf(c)).append(" / ").append(c.getLocalizedMessage());
    }
    return w.toString();
  }
}
