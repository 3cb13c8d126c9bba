package com.avnology.backup.examples.cli;

import com.avnology.backup.IntegrityException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The CLI's exit codes, as {@code --help} and the README list them. */
final class ExitCodes {
  /** The command did what it was asked. */
  static final int OK = 0;

  /** The command failed; the message says what was left behind. */
  static final int FAILED = 1;

  /** The command line is wrong (unknown option, missing argument, conflicting options). */
  static final int USAGE = 2;

  /** Stored bytes do not match what was recorded (damaged set, changed migration). */
  static final int INTEGRITY = 3;

  /** Interrupted (SIGINT, SIGTERM) and the destination was left as it was before. */
  static final int INTERRUPTED = 4;

  /** An unfinished restore (one that was killed) was found in the destination. */
  static final int UNFINISHED_RESTORE = 5;

  private ExitCodes() {}

  /** {@return the code for a failure the command did not handle itself} */
  static int of(Throwable failure) {
    if (failure instanceof com.avnology.backup.RestoreInterruptedException i) {
      return i.destinationUnchanged() ? INTERRUPTED : FAILED;
    }
    return failure instanceof IntegrityException ? INTEGRITY : FAILED;
  }

  /** {@return the codes and their meaning, for help's "Exit codes:" section} */
  static Map<String, String> help() {
    Map<String, String> codes = new LinkedHashMap<>();
    codes.put(String.valueOf(OK), "ok");
    codes.put(String.valueOf(FAILED), "failed (the message says what was left)");
    codes.put(String.valueOf(USAGE), "bad usage (unknown or conflicting options)");
    codes.put(
        String.valueOf(INTEGRITY),
        "integrity failure: stored bytes differ from what was recorded, or a migration changed");
    codes.put(String.valueOf(INTERRUPTED), "interrupted, destination unchanged");
    codes.put(String.valueOf(UNFINISHED_RESTORE), "an unfinished restore was found");
    return codes;
  }
}
