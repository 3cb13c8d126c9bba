package com.avnology.backup.examples.cli;

/**
 * {@code java -jar avnology-backup-demo.jar [demo options]}: runs the demo; a command line that
 * starts with another command name ({@code s3-server}, {@code backup}, …) runs that command, as
 * {@code avnology-backup} would.
 */
public final class DemoMain {
  private DemoMain() {}

  /**
   * Runs the demo.
   *
   * @param args the demo's options, or a full {@code avnology-backup} command line
   */
  public static void main(String[] args) {
    boolean command = args.length > 0 && Main.isCommand(args[0]);
    if (command) {
      Main.main(args);
    } else {
      String[] demo = new String[args.length + 1];
      demo[0] = "demo";
      System.arraycopy(args, 0, demo, 1, args.length);
      Main.main(demo);
    }
  }
}
