package com.avnology.backup.schedule;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupSink;
import com.avnology.backup.StorageException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's runs as the sink remembers them, whichever replica ran them: what {@code status --from
 * SINK} shows per job (last run, last success, its duration and size, failures in a row, next due
 * time).
 *
 * <p>A {@link Scheduler} built with {@link Scheduler.Builder#history(BackupSink)} writes one small
 * JSON object per run under {@code jobs/<job>/} in that sink (never overwriting, so replicas and S3
 * need no locking) and keeps the newest {@value #KEEP} per job. {@link #read(BackupSink)} reads
 * them back. A run whose record cannot be written is still a run: the failure is logged at ERROR
 * and the scheduler goes on (the sets themselves are what a backup promises).
 *
 * @param job the job's name
 * @param schedule its schedule, as text, as of its last run
 * @param nextDue the next due time its last run's scheduler computed
 * @param lastRun its newest run
 * @param lastSuccess its newest successful run, if any is still recorded
 * @param failures failed runs in a row, newest first, among the recorded ones
 * @param runs how many runs are recorded
 */
public record JobHistory(
    String job,
    String schedule,
    Instant nextDue,
    RunRecord lastRun,
    Optional<RunRecord> lastSuccess,
    int failures,
    int runs) {
  private static final Logger log = LoggerFactory.getLogger(JobHistory.class);
  private static final JsonFactory JSON = new JsonFactory();
  private static final String PREFIX = "jobs/";

  /** How many records per job the scheduler keeps in the sink. */
  public static final int KEEP = 50;

  /**
   * Validates.
   *
   * @param job the job's name
   * @param schedule its schedule, as text, as of its last run
   * @param nextDue the next due time its last run's scheduler computed
   * @param lastRun its newest run
   * @param lastSuccess its newest successful run, if any is still recorded
   * @param failures failed runs in a row, newest first, among the recorded ones
   * @param runs how many runs are recorded
   */
  public JobHistory {
    requireNonNull(job, "null job");
    requireNonNull(schedule, "null schedule");
    requireNonNull(nextDue, "null nextDue");
    requireNonNull(lastRun, "null lastRun");
    requireNonNull(lastSuccess, "null lastSuccess");
  }

  /**
   * {@return one entry per job that has recorded runs, sorted by job name; empty when none has}
   *
   * @param sink the sink a scheduler records its runs in
   * @throws StorageException if the sink cannot be listed
   * @throws com.avnology.backup.IntegrityException if a record cannot be parsed (naming it)
   */
  public static List<JobHistory> read(BackupSink sink) {
    requireNonNull(sink, "null sink");
    Map<String, List<Entry>> byJob = new TreeMap<>();
    for (String key : sink.listObjects(PREFIX)) {
      if (!key.endsWith(".json")) {
        continue;
      }
      Optional<InputStream> in = sink.openObject(key);
      if (in.isEmpty()) {
        continue; // pruned by a replica meanwhile
      }
      Entry e;
      try (InputStream s = in.get()) {
        e = parse(key, s.readAllBytes());
      } catch (IOException ex) {
        throw new StorageException("cannot read job record " + key + ": " + ex.getMessage(), ex);
      }
      byJob.computeIfAbsent(e.record.job(), j -> new ArrayList<>()).add(e);
    }
    List<JobHistory> out = new ArrayList<>();
    byJob.forEach(
        (job, entries) -> {
          entries.sort(Comparator.comparing((Entry e) -> e.record.startedAt()).reversed());
          Entry newest = entries.get(0);
          int failures = 0;
          while (failures < entries.size() && !entries.get(failures).record.succeeded()) {
            failures++;
          }
          Optional<RunRecord> success =
              entries.stream().map(e -> e.record).filter(RunRecord::succeeded).findFirst();
          out.add(
              new JobHistory(
                  job,
                  newest.schedule,
                  newest.nextDue,
                  newest.record,
                  success,
                  failures,
                  entries.size()));
        });
    return out;
  }

  /** Writes one run's record, then drops the job's records beyond {@link #KEEP}. */
  static void record(BackupSink sink, RunRecord record, String schedule, Instant nextDue) {
    String dir = PREFIX + record.job() + "/";
    String key =
        dir
            + String.format(
                "%013d-%08x.json",
                record.startedAt().toEpochMilli(), ThreadLocalRandom.current().nextInt());
    try {
      sink.putObjectIfAbsent(key, new ByteArrayInputStream(write(record, schedule, nextDue)));
      List<String> keys = new ArrayList<>(sink.listObjects(dir));
      keys.removeIf(k -> !k.endsWith(".json"));
      if (keys.size() > KEEP) {
        keys.sort(Comparator.naturalOrder());
        sink.deleteObjects(keys.subList(0, keys.size() - KEEP));
      }
    } catch (RuntimeException e) {
      log.error(
          "cannot record run of job {} due {} in {} (status --from will not show it): {}",
          record.job(),
          record.due(),
          sink,
          e.getMessage());
    }
  }

  static byte[] write(RunRecord r, String schedule, Instant nextDue) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (JsonGenerator g = JSON.createGenerator(bytes)) {
      g.writeStartObject();
      g.writeNumberField("version", 1);
      g.writeStringField("job", r.job());
      g.writeStringField("schedule", schedule);
      g.writeStringField("due", r.due().toString());
      g.writeStringField("startedAt", r.startedAt().toString());
      g.writeStringField("finishedAt", r.finishedAt().toString());
      g.writeBooleanField("succeeded", r.succeeded());
      g.writeStringField("message", r.message());
      if (r.setId().isPresent()) {
        g.writeStringField("setId", r.setId().get());
      }
      g.writeNumberField("bytes", r.bytes());
      g.writeStringField("nextDue", nextDue.toString());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private record Entry(RunRecord record, String schedule, Instant nextDue) {}

  private static Entry parse(String key, byte[] bytes) {
    Map<String, Object> f = new HashMap<>();
    try (JsonParser p = JSON.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw bad(key, "not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        switch (t) {
          case VALUE_STRING -> f.put(name, p.getText());
          case VALUE_NUMBER_INT -> f.put(name, p.getLongValue());
          case VALUE_TRUE, VALUE_FALSE -> f.put(name, t == JsonToken.VALUE_TRUE);
          default -> throw bad(key, "field " + name + " is a " + t);
        }
      }
    } catch (IOException e) {
      throw bad(key, e.getMessage());
    }
    try {
      RunRecord r =
          new RunRecord(
              string(key, f, "job"),
              Instant.parse(string(key, f, "due")),
              Instant.parse(string(key, f, "startedAt")),
              Instant.parse(string(key, f, "finishedAt")),
              bool(key, f, "succeeded"),
              string(key, f, "message"),
              Optional.ofNullable(f.get("setId") instanceof String s ? s : null),
              number(key, f, "bytes"));
      return new Entry(r, string(key, f, "schedule"), Instant.parse(string(key, f, "nextDue")));
    } catch (java.time.format.DateTimeParseException e) {
      throw bad(key, "a time field is not an ISO-8601 instant: " + e.getParsedString());
    }
  }

  private static String string(String key, Map<String, Object> f, String name) {
    if (f.get(name) instanceof String s) {
      return s;
    }
    throw bad(key, "field " + name + " is missing or not a string");
  }

  private static boolean bool(String key, Map<String, Object> f, String name) {
    if (f.get(name) instanceof Boolean b) {
      return b;
    }
    throw bad(key, "field " + name + " is missing or not true/false");
  }

  private static long number(String key, Map<String, Object> f, String name) {
    if (f.get(name) instanceof Long l) {
      return l;
    }
    throw bad(key, "field " + name + " is missing or not an integer");
  }

  private static com.avnology.backup.IntegrityException bad(String key, String why) {
    return new com.avnology.backup.IntegrityException(
        "job record "
            + key
            + " is malformed: "
            + why
            + "; delete it (it only feeds status) or restore it from a copy");
  }
}
