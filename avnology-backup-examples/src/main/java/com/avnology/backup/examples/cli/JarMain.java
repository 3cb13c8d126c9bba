package com.avnology.backup.examples.cli;

/**
 * The entry point of {@code java -jar avnology-backup.jar}. A command that moves data ({@code
 * backup}, {@code restore}, …) runs in a second JVM tuned for a short-lived tool ({@link
 * Relaunch}): class data shared from an archive recorded on the command's first run, and C2 kept
 * for what is really hot. Everything else, and every case where that JVM cannot be started the same
 * way, runs here, as {@link Main} always did. Loads nothing but {@code java.base} before it
 * decides.
 */
public final class JarMain {
  private JarMain() {}

  /**
   * Runs the command line, in this JVM or in the tuned one, and exits with its code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    if (Boolean.getBoolean(Relaunch.CHILD)) {
      // off the main thread: setting up the watch takes a few dozen milliseconds of start-up
      Thread watch = new Thread(Relaunch::watchParent, "avnology-relaunch-watch");
      watch.setDaemon(true);
      watch.start();
    }
    Relaunch.Plan plan = Relaunch.plan(args);
    if (plan == null) {
      Main.main(args);
      return;
    }
    Relaunch.run(plan);
  }
}
