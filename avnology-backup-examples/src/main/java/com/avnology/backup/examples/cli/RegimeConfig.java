package com.avnology.backup.examples.cli;

import com.avnology.backup.retention.RetentionPolicy;
import com.avnology.backup.schedule.Schedule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sidecar's file ({@code run --config}): YAML, {@code ${VAR}} replaced from the environment.
 * Every problem names its key ({@code jobs[1].every}) or the missing variable.
 */
final class RegimeConfig {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
  private static final Set<String> TOP =
      Set.of("sink", "jobs", "retention", "http", "coordination", "encryption");
  private static final Set<String> JOB =
      Set.of(
          "name",
          "every",
          "cron",
          "postgres",
          "volumes",
          "buckets",
          "mirror",
          "physical",
          "test-restore",
          "wal-stream");
  private static final Set<String> WAL_STREAM =
      Set.of("postgres", "slot", "create-slot", "synchronous", "application-name");
  private static final Set<String> PHYSICAL =
      Set.of("postgres", "data-dir", "incremental", "delta", "jobs");
  private static final Set<String> TEST_RESTORE = Set.of("scratch");
  private static final Set<String> ENCRYPTION = Set.of("key-env", "passphrase-env");
  private static final Set<String> MIRROR = Set.of("from", "to", "remove");
  private static final Set<String> RETENTION =
      Set.of("keep-days", "keep-last", "keep-daily", "keep-weekly", "keep-monthly");
  private static final Set<String> HTTP = Set.of("port");

  /** A mirror job's buckets. */
  record Mirror(String from, String to, boolean remove) {}

  /** A physical base backup job's server and data directory, and how it copies. */
  record Physical(
      String postgres, Path dataDir, boolean incremental, boolean delta, OptionalInt jobs) {}

  /** A wal-stream job's server and slot. */
  record WalStream(
      String postgres,
      String slot,
      boolean createSlot,
      boolean synchronous,
      String applicationName) {}

  /**
   * One job of the file: a continuous WAL stream (walStream; no schedule), backups (postgres,
   * volumes, buckets in one set; or physical), a mirror, or a test restore (testRestore: the
   * scratch server's JDBC URL).
   */
  record JobSpec(
      String name,
      Schedule schedule,
      Optional<String> postgres,
      Map<String, Path> volumes,
      Map<String, String> buckets,
      Optional<Mirror> mirror,
      Optional<Physical> physical,
      Optional<String> testRestore,
      Optional<WalStream> walStream) {

    /** {@return the schedule as text, or "continuous" for a WAL stream} */
    String when() {
      return schedule == null ? "continuous" : schedule.toString();
    }
  }

  final String sink;
  final List<JobSpec> jobs;
  final Optional<RetentionPolicy> retention;
  final OptionalInt httpPort;
  final Optional<String> coordination;

  /** The environment variable holding the key or passphrase, and which of the two it is. */
  final Optional<Map.Entry<String, String>> encryption;

  private RegimeConfig(
      String sink,
      List<JobSpec> jobs,
      Optional<RetentionPolicy> retention,
      OptionalInt httpPort,
      Optional<String> coordination,
      Optional<Map.Entry<String, String>> encryption) {
    this.sink = sink;
    this.jobs = jobs;
    this.retention = retention;
    this.httpPort = httpPort;
    this.coordination = coordination;
    this.encryption = encryption;
  }

  /** A problem in the file; the message names the key. */
  static final class Invalid extends IllegalArgumentException {
    Invalid(String message) {
      super(message);
    }
  }

  /**
   * @param file the YAML file
   * @param env the environment {@code ${VAR}} reads
   * @return the configuration
   * @throws Invalid naming the bad key or missing variable
   */
  static RegimeConfig read(Path file, Function<String, String> env) {
    JsonNode root;
    try {
      root = new YAMLMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new Invalid(
          "cannot read " + file + ": " + e.getMessage().lines().findFirst().orElse(""));
    }
    if (root == null || !root.isObject()) {
      throw new Invalid(file + " is not a YAML mapping with sink: and jobs:");
    }
    Reader r = new Reader(env);
    r.keys("", root, TOP);
    String sink = r.text("sink", root.get("sink"), true);
    JsonNode jobsNode = root.get("jobs");
    if (jobsNode == null || !jobsNode.isArray() || jobsNode.isEmpty()) {
      throw new Invalid(
          "jobs: give a list of at least one job (name, every or cron, and"
              + " postgres, volumes, buckets or mirror)");
    }
    List<JobSpec> jobs = new ArrayList<>();
    for (int i = 0; i < jobsNode.size(); i++) {
      jobs.add(r.job("jobs[" + i + "]", jobsNode.get(i)));
    }
    return new RegimeConfig(
        sink,
        List.copyOf(jobs),
        r.retention(root.get("retention")),
        r.port(root.get("http")),
        Optional.ofNullable(r.text("coordination", root.get("coordination"), false)),
        r.encryption(root.get("encryption")));
  }

  /** Reads values, replacing variables and naming keys in messages. */
  private record Reader(Function<String, String> env) {
    void keys(String path, JsonNode node, Set<String> known) {
      if (!node.isObject()) {
        throw new Invalid(
            (path.isEmpty() ? "the file" : path)
                + ": expected a mapping of "
                + new java.util.TreeSet<>(known));
      }
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!known.contains(key)) {
          throw new Invalid(
              "unknown key "
                  + (path.isEmpty() ? "" : path + ".")
                  + key
                  + " (known: "
                  + String.join(", ", new java.util.TreeSet<>(known))
                  + ")");
        }
      }
    }

    String text(String path, JsonNode node, boolean required) {
      if (node == null || node.isNull()) {
        if (required) {
          throw new Invalid(path + " is missing");
        }
        return null;
      }
      if (!node.isValueNode()) {
        throw new Invalid(path + ": expected a value, not " + node.getNodeType());
      }
      Matcher m = VAR.matcher(node.asText());
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        String value = env.apply(m.group(1));
        if (value == null) {
          throw new Invalid(
              path
                  + ": environment variable "
                  + m.group(1)
                  + " is not set (the"
                  + " file says ${"
                  + m.group(1)
                  + "}); set it, secrets come from the environment"
                  + " only");
        }
        m.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      m.appendTail(out);
      return out.toString();
    }

    JobSpec job(String path, JsonNode node) {
      keys(path, node, JOB);
      String name = text(path + ".name", node.get("name"), true);
      String every = text(path + ".every", node.get("every"), false);
      String cron = text(path + ".cron", node.get("cron"), false);
      if (node.get("wal-stream") != null) {
        JsonNode w = node.get("wal-stream");
        keys(path + ".wal-stream", w, WAL_STREAM);
        if (every != null || cron != null || node.size() != 2) {
          throw new Invalid(
              path
                  + " ("
                  + name
                  + "): a wal-stream job streams continuously and"
                  + " does nothing else: give it only name and wal-stream (no every or cron)");
        }
        String slot = text(path + ".wal-stream.slot", w.get("slot"), false);
        String app = text(path + ".wal-stream.application-name", w.get("application-name"), false);
        return new JobSpec(
            name,
            null,
            Optional.empty(),
            Map.of(),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(
                new WalStream(
                    text(path + ".wal-stream.postgres", w.get("postgres"), true),
                    slot == null ? "avnology_wal" : slot,
                    bool(path + ".wal-stream.create-slot", w.get("create-slot")),
                    bool(path + ".wal-stream.synchronous", w.get("synchronous")),
                    app == null ? "avnology_wal" : app)));
      }
      if ((every == null) == (cron == null)) {
        throw new Invalid(
            path + ": give every (such as 6h) or cron (such as \"0 3 * * *\")," + " one of them");
      }
      Schedule schedule;
      try {
        schedule = every != null ? Schedule.every(Durations.parse(every)) : Schedule.cron(cron);
      } catch (IllegalArgumentException e) {
        throw new Invalid(path + (every != null ? ".every: " : ".cron: ") + e.getMessage());
      }
      Map<String, Path> volumes = new LinkedHashMap<>();
      map(path + ".volumes", node.get("volumes")).forEach((k, v) -> volumes.put(k, Path.of(v)));
      Map<String, String> buckets = map(path + ".buckets", node.get("buckets"));
      Optional<Mirror> mirror =
          Optional.ofNullable(node.get("mirror"))
              .map(
                  m -> {
                    keys(path + ".mirror", m, MIRROR);
                    return new Mirror(
                        text(path + ".mirror.from", m.get("from"), true),
                        text(path + ".mirror.to", m.get("to"), true),
                        Boolean.parseBoolean(
                            text(path + ".mirror.remove", m.get("remove"), false)));
                  });
      Optional<String> postgres =
          Optional.ofNullable(text(path + ".postgres", node.get("postgres"), false));
      Optional<Physical> physical =
          Optional.ofNullable(node.get("physical"))
              .map(
                  m -> {
                    keys(path + ".physical", m, PHYSICAL);
                    String jobs = text(path + ".physical.jobs", m.get("jobs"), false);
                    return new Physical(
                        text(path + ".physical.postgres", m.get("postgres"), true),
                        Path.of(text(path + ".physical.data-dir", m.get("data-dir"), true)),
                        bool(path + ".physical.incremental", m.get("incremental")),
                        bool(path + ".physical.delta", m.get("delta")),
                        jobs == null
                            ? OptionalInt.empty()
                            : OptionalInt.of(number(path + ".physical.jobs", jobs)));
                  });
      Optional<String> testRestore =
          Optional.ofNullable(node.get("test-restore"))
              .map(
                  m -> {
                    keys(path + ".test-restore", m, TEST_RESTORE);
                    return text(path + ".test-restore.scratch", m.get("scratch"), true);
                  });
      boolean backups = postgres.isPresent() || !volumes.isEmpty() || !buckets.isEmpty();
      int kinds =
          (backups ? 1 : 0)
              + (mirror.isPresent() ? 1 : 0)
              + (physical.isPresent() ? 1 : 0)
              + (testRestore.isPresent() ? 1 : 0);
      if (kinds == 0) {
        throw new Invalid(
            path
                + " ("
                + name
                + "): nothing to do: give postgres, volumes,"
                + " buckets, physical, mirror or test-restore");
      }
      if (kinds > 1) {
        throw new Invalid(
            path
                + " ("
                + name
                + "): a job does one kind of thing: backups"
                + " (postgres, volumes, buckets), physical, mirror or test-restore; put each in a job"
                + " of its own");
      }
      return new JobSpec(
          name,
          schedule,
          postgres,
          volumes,
          buckets,
          mirror,
          physical,
          testRestore,
          Optional.empty());
    }

    boolean bool(String path, JsonNode node) {
      String value = text(path, node, false);
      if (value == null) {
        return false;
      }
      if (!value.equals("true") && !value.equals("false")) {
        throw new Invalid(path + ": true or false, not '" + value + "'");
      }
      return Boolean.parseBoolean(value);
    }

    Map<String, String> map(String path, JsonNode node) {
      Map<String, String> map = new LinkedHashMap<>();
      if (node == null) {
        return map;
      }
      if (!node.isObject()) {
        throw new Invalid(path + ": expected a mapping of name: value");
      }
      node.properties()
          .forEach(e -> map.put(e.getKey(), text(path + "." + e.getKey(), e.getValue(), true)));
      return map;
    }

    Optional<RetentionPolicy> retention(JsonNode node) {
      if (node == null) {
        return Optional.empty();
      }
      keys("retention", node, RETENTION);
      RetentionPolicy.Builder b = RetentionPolicy.builder();
      for (String key : RETENTION) {
        String value = text("retention." + key, node.get(key), false);
        if (value == null) {
          continue;
        }
        int n = number("retention." + key, value);
        try {
          switch (key) {
            case "keep-days" -> b.days(n);
            case "keep-last" -> b.last(n);
            case "keep-daily" -> b.daily(n);
            case "keep-weekly" -> b.weekly(n);
            default -> b.monthly(n);
          }
        } catch (IllegalArgumentException e) {
          throw new Invalid("retention." + key + ": " + e.getMessage());
        }
      }
      try {
        return Optional.of(b.build());
      } catch (IllegalStateException e) {
        throw new Invalid("retention: give at least one of " + new java.util.TreeSet<>(RETENTION));
      }
    }

    Optional<Map.Entry<String, String>> encryption(JsonNode node) {
      if (node == null) {
        return Optional.empty();
      }
      keys("encryption", node, ENCRYPTION);
      String key = text("encryption.key-env", node.get("key-env"), false);
      String passphrase = text("encryption.passphrase-env", node.get("passphrase-env"), false);
      if ((key == null) == (passphrase == null)) {
        throw new Invalid(
            "encryption: give key-env (a variable holding a base64 32-byte key) or"
                + " passphrase-env (a variable holding a passphrase), one of them");
      }
      String variable = key != null ? key : passphrase;
      String value = env.apply(variable);
      if (value == null || value.isEmpty()) {
        throw new Invalid(
            "encryption."
                + (key != null ? "key-env" : "passphrase-env")
                + ": environment variable "
                + variable
                + " is not set or empty");
      }
      return Optional.of(Map.entry(key != null ? "key-env" : "passphrase-env", variable));
    }

    OptionalInt port(JsonNode node) {
      if (node == null) {
        return OptionalInt.empty();
      }
      keys("http", node, HTTP);
      int port = number("http.port", text("http.port", node.get("port"), true));
      if (port > 65535) {
        throw new Invalid("http.port: not a port: " + port);
      }
      return OptionalInt.of(port);
    }

    static int number(String path, String value) {
      try {
        return Integer.parseInt(value.trim());
      } catch (NumberFormatException e) {
        throw new Invalid(path + ": not a whole number: '" + value + "'");
      }
    }
  }
}
