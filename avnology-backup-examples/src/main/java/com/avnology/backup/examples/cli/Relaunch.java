package com.avnology.backup.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;

/**
 * Runs a data-moving command of {@code java -jar avnology-backup.jar} in a second JVM with the
 * options a short-lived tool wants, which a jar cannot give the JVM that opens it:
 *
 * <ul>
 *   <li>class data sharing: the command's first successful run lists the classes it loaded, and a
 *       JVM started right after it dumps them into a static archive under {@code
 *       ${XDG_CACHE_HOME:-~/.cache}/avnology-backup}, keyed by the command, the jar and the JVM;
 *       later runs map them instead of loading, verifying and linking them from the jar. The JVM
 *       checks the archive against both and loads normally if they differ. A static archive, not
 *       one recorded at exit: JDK 17 leaves class files older than Java 6 (picocli's) out of those,
 *       and loading them costs a tenth of a second of every start;
 *   <li>less compilation: on a catalog-heavy database the default thresholds spend more CPU
 *       compiling code that runs once per archive entry than it saves, on the cores the server
 *       needs. A backup or restore that moved little data last time runs on C1 alone (the second
 *       JVM records how much it moved), other commands keep C2 for what is really hot (copy loops,
 *       hashing);
 *   <li>a young generation of its own size ({@link #youngGeneration}), so that a short command does
 *       not stop for the collections G1 makes while it grows one from a few megabytes;
 *   <li>a heap in transparent huge pages where the kernel gives them on request ({@link
 *       #hugePages}): a short command touches most of its heap for the first time, a page fault per
 *       4 KiB page otherwise;
 *   <li>JVM warnings on standard error, never on standard output where {@code --json} goes.
 * </ul>
 *
 * <p>The second JVM gets the same standard streams, environment, working directory and the JVM
 * options this one was started with (which come after ours, so they win). A SIGTERM or SIGINT that
 * reaches only this JVM is passed on, and this JVM ends with the command's own exit code once the
 * command has ended (a restore undoes itself first); the command also ends, as if interrupted, if
 * this JVM dies without passing anything on (SIGKILL). {@code AVNOLOGY_BACKUP_RELAUNCH=0} turns it
 * off; so does starting the jar with a class-data option of one's own. Where the second JVM cannot
 * be started as this one was (the OS shows a command line of at most 4 KiB, a long class path
 * exceeds it), the command runs here.
 */
final class Relaunch {
  /** The system property that marks the second JVM. */
  static final String CHILD = "avnology.backup.relaunched";

  /** The environment variable that turns relaunching off when it is {@code 0}. */
  static final String SWITCH = "AVNOLOGY_BACKUP_RELAUNCH";

  /** Commands worth a second JVM: they load most of the tool and run long enough to compile. */
  static final Set<String> COMMANDS =
      Set.of(
          "backup",
          "restore",
          "restore-tenant",
          "import",
          "verify",
          "list",
          "list-dump",
          "mirror",
          "migrate",
          "prune");

  /** Options of the second JVM for every command, before the user's own. */
  static final List<String> OPTIONS =
      List.of(
          "-Xlog:disable",
          "-Xlog:all=warning:stderr",
          // CDS's own notes (an archive of another JVM build is not used) are not for users
          "-Xlog:cds*=off:stderr");

  /**
   * The compiler of every command not run {@link #quick}: C2 only for what runs hundreds of
   * thousands of times (with C1's code in between); SHA-256 sooner, which C2 turns into the CPU's
   * SHA instructions (C1 cannot): a catalog-heavy restore compiles less, a data-heavy one hashes as
   * fast as before.
   */
  static final List<String> TIERED =
      List.of(
          "-XX:Tier4InvocationThreshold=500000",
          "-XX:Tier4CompileThreshold=600000",
          "-XX:Tier4BackEdgeThreshold=4000000",
          "-XX:CompileCommand=quiet",
          "-XX:CompileCommand=CompileThresholdScaling,sun/security/provider/*.*,0.1");

  /**
   * The compiler of a command that moves little data: C1 only. The profiling tier, where tiered
   * compilation keeps nearly every method, costs a catalog-heavy database more CPU than anything
   * else (0.5 of 1.9 CPU seconds of a backup of PostgreSQL's regression database), on the cores the
   * server needs. Without C2, SHA-256 runs at C1's speed (about 135 MB/s instead of 1.5 GB/s): a
   * few hundred milliseconds for every 50 MB a command hashes, which is where C2 pays for itself.
   * Measured: regression database (5 MB) backup 1.41 to 1.16 s, restore 1.67 to 1.59 s; bench
   * database (52 MB written) backup 2.31 to 2.39 s.
   */
  static final List<String> QUICK = List.of("-XX:TieredStopAtLevel=1");

  /** Below this many bytes of artifacts, a backup or restore compiles with C1 only. */
  static final long QUICK_BELOW = 32L << 20;

  /**
   * The system property naming the file where the second JVM records how many bytes of artifacts
   * its backup or restore wrote or read, for the next run's choice of compiler.
   */
  static final String SIZE_HINT = "avnology.backup.sizeHint";

  /**
   * {@return the JVM options of a command's second JVM, before the user's own}
   *
   * @param args the command line
   * @param lastBytes the artifact bytes of the command's last run with this jar and JVM, or -1
   */
  static List<String> options(String[] args, long lastBytes) {
    List<String> options = new ArrayList<>(OPTIONS);
    options.addAll(quick(args, lastBytes) ? QUICK : TIERED);
    return List.copyOf(options);
  }

  /**
   * Whether a command runs on C1 alone: a backup or restore whose last run (same jar and JVM) moved
   * less than {@link #QUICK_BELOW}; before it has one, a logical backup (which hashes only its
   * compressed output). Encrypted backups and restores, backups that hash what they copy as it is
   * (a data directory, buckets, volumes) and every other command keep C2.
   */
  static boolean quick(String[] args, long lastBytes) {
    boolean restore = args[0].equals("restore");
    if (!restore && !args[0].equals("backup")) {
      return false;
    }
    for (String a : args) {
      // AES-GCM, like SHA-256, needs C2 for the CPU's instructions: 24 MB/s with C1, 3 GB/s with C2
      if (a.startsWith("--key-env") || a.startsWith("--passphrase-env")) {
        return false;
      }
      if (!restore
          && (a.startsWith("--data-dir") || a.startsWith("--bucket") || a.startsWith("--volume"))) {
        return false;
      }
    }
    return restore ? lastBytes >= 0 && lastBytes < QUICK_BELOW : lastBytes < QUICK_BELOW;
  }

  /** {@return the bytes recorded in a size hint, or -1 if there is none we wrote} */
  static long lastBytes(Path hint) {
    try {
      if (hint == null || !ownedByUs(hint) || Files.size(hint) > 32) {
        return -1;
      }
      long n = Long.parseLong(Files.readString(hint, StandardCharsets.US_ASCII).strip());
      return n >= 0 ? n : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /**
   * In the second JVM, records how many bytes of artifacts the command wrote or read, for the next
   * run's choice of compiler; does nothing in a JVM that was not started with a size hint, or if
   * the file cannot be written.
   *
   * @param bytes the artifact bytes
   */
  static void recordBytes(long bytes) {
    String hint = System.getProperty(SIZE_HINT);
    if (hint == null || hint.isEmpty()) {
      return;
    }
    Path to = Path.of(hint);
    Path tmp = dumping(to);
    try {
      Files.writeString(tmp, Long.toString(bytes), StandardCharsets.US_ASCII);
      Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException | RuntimeException ignored) {
        // a hint is worth no more than this
      }
    }
  }

  private Relaunch() {}

  /**
   * What to run.
   *
   * @param command the second JVM's command line
   * @param recording where that JVM lists the classes it loads, for a new class-data archive, or
   *     null
   * @param archive where the archive dumped from a successful run's list goes, or null
   * @param dump the command line that dumps {@code recording} into {@code archive}'s temporary file
   *     ({@link #dumping}), or null
   * @param args this command line, to run here if the second JVM cannot start
   */
  record Plan(
      List<String> command, Path recording, Path archive, List<String> dump, List<String> args) {}

  /**
   * {@return the plan for this JVM's command line, or null to run it here}
   *
   * @param args the command line
   */
  static Plan plan(String[] args) {
    if (Boolean.getBoolean(CHILD)) {
      return null;
    }
    try {
      String[] all = jvmArguments();
      Path code =
          Path.of(JarMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      Path java = Path.of(System.getProperty("java.home"), "bin", "java");
      if (all == null || !Files.isExecutable(java)) {
        return null;
      }
      return plan(
          args,
          Arrays.asList(all),
          System.getenv(),
          java,
          Files.isRegularFile(code) ? code.toAbsolutePath() : null);
    } catch (java.net.URISyntaxException | RuntimeException e) {
      return null; // whatever stops the second JVM, this one runs the command as it always did
    }
  }

  /**
   * The plan, from what this JVM was given.
   *
   * @param args the command line
   * @param jvmCommandLine this JVM's arguments after the {@code java} binary, as the OS has them:
   *     JVM options, {@code -jar} and the jar (or a class path and main class), then {@code args}
   * @param env the environment
   * @param java the {@code java} binary
   * @param jar the jar this class came from, or null if it came from a directory (no class-data
   *     archive then)
   * @return the plan, or null to run the command here
   */
  static Plan plan(
      String[] args, List<String> jvmCommandLine, Map<String, String> env, Path java, Path jar) {
    if ("0".equals(env.get(SWITCH)) || args.length == 0 || !COMMANDS.contains(args[0])) {
      return null;
    }
    for (String a : args) {
      if (a.equals("-h") || a.equals("--help") || a.equals("-V") || a.equals("--version")) {
        return null;
      }
    }
    int start = jvmCommandLine.size() - args.length;
    if (start <= 0 || !jvmCommandLine.subList(start, jvmCommandLine.size()).equals(List.of(args))) {
      return null; // not the command line we were started with: nothing to repeat
    }
    List<String> launch = jvmCommandLine.subList(0, start);
    for (String o : launch) {
      if (o.startsWith("-XX:SharedArchiveFile")
          || o.startsWith("-XX:ArchiveClassesAtExit")
          || o.startsWith("-XX:DumpLoadedClassList")
          || o.startsWith("-XX:SharedClassListFile")
          || o.startsWith("-Xshare")) {
        return null; // the user manages class data sharing (our bin/ launcher does)
      }
    }
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    Path archive = null;
    Path recording = null;
    List<String> dump = null;
    Path hint = null;
    Path cache = jar == null ? null : cacheDirectory(env, System.getProperty("user.home"));
    String key = cache == null ? null : key(jar, java);
    if (cache != null && (args[0].equals("backup") || args[0].equals("restore"))) {
      hint = cache.resolve(args[0] + "-" + key + ".bytes");
    }
    command.addAll(options(args, lastBytes(hint)));
    command.addAll(youngGeneration(launch, env, Runtime.getRuntime().maxMemory()));
    command.addAll(hugePages(THP));
    if (cache != null && !recordsFlight(launch, env)) {
      archive = cache.resolve(args[0] + "-" + key + ".jsa");
      if (ownedByUs(archive)) {
        command.add("-XX:SharedArchiveFile=" + archive);
        archive = null;
      } else if (Files.exists(failed(archive))) {
        archive = null; // this JVM could not dump one for this jar: not again on every run
      } else {
        String pid = "." + ProcessHandle.current().pid();
        recording = cache.resolve(archive.getFileName() + ".classes" + pid);
        command.add("-XX:DumpLoadedClassList=" + recording);
        dump =
            List.of(
                java.toString(),
                "-Xshare:dump",
                "-Xlog:disable",
                "-XX:SharedClassListFile=" + recording,
                "-XX:SharedArchiveFile=" + dumping(archive),
                "-cp",
                jar.toString());
      }
    }
    command.add("-D" + CHILD + "=true");
    if (hint != null) {
      command.add("-D" + SIZE_HINT + "=" + hint);
    }
    // the user's JVM options come after ours and win; then -jar and the jar, as given
    command.addAll(launch);
    command.addAll(Arrays.asList(args));
    return new Plan(List.copyOf(command), recording, archive, dump, List.of(args));
  }

  /**
   * {@return the JVM options the user gave, on the command line and in the environment's {@code
   * JAVA_TOOL_OPTIONS} and {@code JDK_JAVA_OPTIONS}}
   *
   * @param launch the JVM options this JVM was started with
   * @param env the environment
   */
  private static List<String> userOptions(List<String> launch, Map<String, String> env) {
    List<String> options = new ArrayList<>(launch);
    for (String variable : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
      String value = env.get(variable);
      if (value != null) {
        options.addAll(Arrays.asList(value.trim().split("\\s+")));
      }
    }
    return options;
  }

  /** The largest young generation the second JVM is given ({@link #youngGeneration}). */
  static final long YOUNG = 256L << 20;

  /**
   * The second JVM's young generation: {@link #YOUNG}, at most a quarter of the heap. G1 starts
   * with a young generation of a few megabytes and grows it from its pauses: a backup of
   * PostgreSQL's regression database (155 MB allocated, mostly per-table buffers and catalog rows)
   * stopped for five collections on its way, about 40 ms with every thread halted on a two-core
   * machine; with this it stops for none (measured: 0.93 to 0.90 s over 8 alternating rounds). None
   * when the user sizes the young generation or picks a collector without one, in the options or
   * the environment: theirs would lose to ours, which come after the environment's.
   *
   * @param launch the JVM options this JVM was started with, which the second one gets too
   * @param env the environment
   * @param maxHeap this JVM's largest heap, the second one's too (same options, same machine)
   */
  static List<String> youngGeneration(List<String> launch, Map<String, String> env, long maxHeap) {
    for (String o : userOptions(launch, env)) {
      if (o.startsWith("-Xmn")
          || o.startsWith("-XX:NewSize")
          || o.startsWith("-XX:MaxNewSize")
          || o.startsWith("-XX:NewRatio")
          || o.contains("NewSizePercent")
          || o.equals("-XX:+UseZGC")
          || o.equals("-XX:+UseShenandoahGC")
          || o.equals("-XX:+UseEpsilonGC")) {
        return List.of();
      }
    }
    long megabytes = Math.min(YOUNG, maxHeap / 4) >> 20;
    return megabytes < 16 ? List.of() : List.of("-Xmn" + megabytes + "m");
  }

  /** The kernel's transparent-huge-page mode, {@code always [madvise] never} on most systems. */
  static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");

  /**
   * {@return {@code -XX:+UseTransparentHugePages} where the kernel backs memory with huge pages
   * when asked ({@code [madvise]}), else nothing} A backup or restore allocates more than it keeps
   * (a backup of PostgreSQL's regression database allocates 155 MB, its young generation is 256
   * MB): every 4 KiB page of it is touched for the first time, one page fault each, a cost that
   * grows with what the OS pays per fault (a virtual machine pays most). In 2 MiB pages the heap
   * faults in 512 times fewer steps. Measured on a two-core virtual machine against the regression
   * database: page faults 35,000 to 10,000, CPU 1.70 to 1.40 s and 1.42 to 1.10 s, wall time of
   * {@code java -jar} 1.70 to 1.53 s and 2.69 to 2.39 s (backup and restore, medians of 5
   * alternating rounds). Nothing with {@code [always]} (the heap gets huge pages anyway) or {@code
   * [never]} (the JVM would warn that it gets none); a user's {@code -XX:-UseTransparentHugePages}
   * comes after ours and wins.
   *
   * @param mode the file that holds the kernel's mode
   */
  static List<String> hugePages(Path mode) {
    try {
      return Files.readString(mode).contains("[madvise]")
          ? List.of("-XX:+UseTransparentHugePages")
          : List.of();
    } catch (IOException | RuntimeException e) {
      return List.of(); // not Linux, or no THP: the JVM's 4 KiB pages
    }
  }

  /**
   * Whether the JVM is asked to start a flight recording, on its command line or in the
   * environment's {@code JAVA_TOOL_OPTIONS} or {@code JDK_JAVA_OPTIONS}: JDK 17 (17.0.15 here)
   * crashes loading the first class of the command from a static archive of application classes
   * while a recording runs (SIGSEGV in {@code KlassFactory::check_shared_class_file_load_hook}), so
   * such a JVM gets no archive.
   *
   * @param launch the JVM options this JVM was started with
   * @param env the environment
   */
  static boolean recordsFlight(List<String> launch, Map<String, String> env) {
    for (String o : userOptions(launch, env)) {
      if (o.startsWith("-XX:StartFlightRecording") || o.equals("-XX:+FlightRecorder")) {
        return true;
      }
    }
    return false;
  }

  /** {@return where this JVM dumps an archive before it moves it into place} */
  static Path dumping(Path archive) {
    return archive.resolveSibling(archive.getFileName() + "." + ProcessHandle.current().pid());
  }

  /** {@return the marker of a dump that failed for this archive's jar and JVM} */
  static Path failed(Path archive) {
    return archive.resolveSibling(archive.getFileName() + ".failed");
  }

  /**
   * {@return the user's own cache directory for archives, created, or null if there is none this
   * user owns and can write} A shared one could hold an archive planted by another user.
   *
   * @param env the environment
   * @param home the user's home directory
   */
  static Path cacheDirectory(Map<String, String> env, String home) {
    String xdg = env.get("XDG_CACHE_HOME");
    Path base;
    if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
      base = Path.of(xdg);
    } else if (home != null && !home.isEmpty() && !home.equals("?")) {
      base = Path.of(home, ".cache");
    } else {
      return null;
    }
    Path dir = base.resolve("avnology-backup");
    try {
      Files.createDirectories(dir);
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return ownedByUs(dir) && Files.isWritable(dir) ? dir : null;
  }

  private static boolean ownedByUs(Path p) {
    try {
      return Files.exists(p)
          && Files.getOwner(p).getName().equals(System.getProperty("user.name"))
          && (Files.isDirectory(p) || Files.size(p) > 0);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A key for the jar and the JVM: a new build of either records a new archive (the JVM would
   * refuse the old one anyway).
   */
  static String key(Path jar, Path java) {
    CRC32 crc = new CRC32();
    for (Path p : List.of(jar, java)) {
      String stamp;
      try {
        Path real = p.toRealPath();
        stamp = real + "|" + Files.size(real) + "|" + Files.getLastModifiedTime(real).toMillis();
      } catch (IOException e) {
        stamp = p.toString();
      }
      crc.update(stamp.getBytes(StandardCharsets.UTF_8));
    }
    crc.update(System.getProperty("java.vm.version", "").getBytes(StandardCharsets.UTF_8));
    String hex = Long.toHexString(crc.getValue()); // not String.format: no Formatter at start-up
    return "0".repeat(8 - hex.length()) + hex;
  }

  /**
   * {@return this JVM's arguments after the {@code java} binary, or null if unknown} From {@code
   * /proc/self/cmdline} where there is one, which is what {@link ProcessHandle.Info#arguments()}
   * reads on Linux, without initializing {@code ProcessHandleImpl} (its reaper thread pool and its
   * lambdas, a hundredth of a second before the second JVM could start); elsewhere from {@link
   * ProcessHandle}. A decoding that does not give back this JVM's own command line only means the
   * command runs here ({@link #plan(String[], List, Map, Path, Path)} compares them).
   */
  static String[] jvmArguments() {
    Path cmdline = Path.of("/proc/self/cmdline");
    if (Files.isReadable(cmdline)) {
      try {
        byte[] b = Files.readAllBytes(cmdline);
        java.nio.charset.Charset cs;
        try {
          cs = java.nio.charset.Charset.forName(System.getProperty("sun.jnu.encoding"));
        } catch (IllegalArgumentException | NullPointerException e) {
          cs = java.nio.charset.Charset.defaultCharset();
        }
        List<String> argv = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
          if (b[i] == 0) {
            argv.add(new String(b, start, i - start, cs));
            start = i + 1;
          }
        }
        return argv.isEmpty() ? null : argv.subList(1, argv.size()).toArray(new String[0]);
      } catch (IOException | RuntimeException e) {
        return null;
      }
    }
    return ProcessHandle.current().info().arguments().orElse(null);
  }

  /**
   * Runs the plan and exits with the command's code; runs the command in this JVM if the second
   * cannot start.
   *
   * @param plan the plan
   */
  static void run(Plan plan) {
    Process child;
    try {
      child = new ProcessBuilder(plan.command()).inheritIO().start();
    } catch (IOException | RuntimeException e) {
      Main.main(plan.args().toArray(new String[0]));
      return;
    }
    // A signal to this JVM only (kill, a supervisor, timeout): pass it on, wait for the command to
    // finish undoing what it must, and end with its code, not the signal's.
    int code = waitUnlessSignalled(child, false, -1, plan.recording());
    if (plan.recording() != null) {
      // only a successful run's list: a failed one may have stopped early
      if (code == 0) {
        dump(plan, code);
      }
      discard(plan.recording());
    }
    System.exit(code);
  }

  /**
   * Dumps the archive from the command's class list (about a second and a half, once per jar and
   * JVM) and moves it into place; a dump that fails leaves a marker, so that later runs do not try
   * again. A signal meanwhile stops the dump, and this JVM still ends with the command's code.
   */
  private static void dump(Plan plan, int code) {
    Path temporary = dumping(plan.archive());
    try {
      if (!Files.isRegularFile(plan.recording()) || Files.size(plan.recording()) == 0) {
        return;
      }
      Process p =
          new ProcessBuilder(plan.dump())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      int exit = waitUnlessSignalled(p, true, code, temporary, plan.recording());
      if (exit == 0 && Files.isRegularFile(temporary) && Files.size(temporary) > 0) {
        Files.move(
            temporary,
            plan.archive(),
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.writeString(failed(plan.archive()), "");
      }
    } catch (IOException | RuntimeException e) {
      // no archive this time; the next run lists its classes again
    } finally {
      discard(temporary);
    }
  }

  /**
   * In the second JVM: ends the command, as a SIGTERM would, once the JVM that started it is gone
   * (killed with SIGKILL, which it cannot pass on), so that no backup or restore goes on unseen.
   */
  static void watchParent() {
    ProcessHandle.current()
        .parent()
        .ifPresent(
            parent -> {
              java.util.concurrent.CompletableFuture<Void> unused =
                  parent
                      .onExit()
                      .thenRun(
                          () -> {
                            System.err.println(
                                "avnology-backup: the process that started this command is gone;"
                                    + " stopping");
                            System.exit(ExitCodes.INTERRUPTED);
                          });
            });
  }

  /**
   * {@return the process's exit code} If this JVM is signalled meanwhile, a shutdown hook stops the
   * process (SIGTERM, or SIGKILL if {@code force}), waits for it, deletes the files and halts this
   * JVM with {@code code}, or with the process's own code if {@code code} is negative.
   */
  private static int waitUnlessSignalled(Process p, boolean force, int code, Path... files) {
    Thread hook =
        new Thread(
            () -> {
              if (force) {
                p.destroyForcibly();
              } else {
                p.destroy();
              }
              int exit = waitFor(p);
              for (Path f : files) {
                discard(f);
              }
              Runtime.getRuntime().halt(code < 0 ? exit : code);
            },
            "avnology-relaunch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    int exit = waitFor(p);
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      awaitHalt();
    }
    return exit;
  }

  /** Waits for the shutdown hook that is running to halt this JVM. */
  private static void awaitHalt() {
    while (true) {
      try {
        Thread.sleep(Long.MAX_VALUE);
      } catch (InterruptedException e) {
        // the hook halts this JVM
      }
    }
  }

  private static int waitFor(Process p) {
    while (true) {
      try {
        return p.waitFor();
      } catch (InterruptedException e) {
        // keep waiting: the command decides when it ends
      }
    }
  }

  private static void discard(Path p) {
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException | RuntimeException e) {
        // a stray temporary file in the user's cache
      }
    }
  }
}
