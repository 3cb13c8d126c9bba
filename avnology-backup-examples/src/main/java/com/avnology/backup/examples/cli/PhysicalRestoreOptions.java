package com.avnology.backup.examples.cli;

import com.avnology.backup.BackupSink;
import com.avnology.backup.postgres.physical.PhysicalSets;
import com.avnology.backup.postgres.physical.PhysicalTarget;
import com.avnology.backup.postgres.physical.RecoveryTarget;
import java.nio.file.Path;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/**
 * {@code restore --data-dir NEWDIR [--target-time T | --target-lsn L | --target-name N |
 * --target-immediate] [--restore-command CMD]}: a physical base backup and recovery settings.
 */
final class PhysicalRestoreOptions {
  private static final Pattern SHELL_SAFE = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

  @Option(
      names = "--data-dir",
      paramLabel = "NEWDIR",
      description =
          "Restore the physical backup (backup --data-dir) into this empty or new"
              + " directory, with recovery settings; then start PostgreSQL on it")
  Path dataDir;

  @Option(
      names = "--target-time",
      paramLabel = "TIME",
      description =
          "Recover to this moment, such as 2026-04-17T12:00:00Z or"
              + " '2026-04-17 12:00:00+02'; with --set latest, the newest base backup that ended"
              + " before it is chosen")
  String targetTime;

  @Option(
      names = "--target-lsn",
      paramLabel = "LSN",
      description = "Recover to this WAL location, such as 0/3000028")
  String targetLsn;

  @Option(
      names = "--target-name",
      paramLabel = "NAME",
      description = "Recover to this restore point (pg_create_restore_point)")
  String targetName;

  @Option(
      names = "--target-immediate",
      description = "Recover only until the base backup is consistent")
  boolean targetImmediate;

  @Option(
      names = "--delta",
      description =
          "Restore into the existing data directory --data-dir, writing only files"
              + " whose SHA-256 differs and removing what the backup lacks; refused while"
              + " PostgreSQL runs on it")
  boolean delta;

  @Option(
      names = "--tablespace-mapping",
      paramLabel = "OLDDIR=NEWDIR",
      description = "Restore the tablespace that was at OLDDIR into NEWDIR (repeatable)")
  java.util.Map<Path, Path> tablespaces = new java.util.LinkedHashMap<>();

  @Option(
      names = "--restore-command",
      paramLabel = "CMD",
      description =
          "The restore_command the restored server runs (default: avnology-backup"
              + " wal-get --from SINK %%f %%p, with the --from sink)")
  String restoreCommand;

  boolean present() {
    return dataDir != null;
  }

  /**
   * {@return the set to restore: the one named, or with --target-time and --set latest the newest
   * that ended before the target, or empty for the newest}
   */
  Optional<String> set(CommandSpec spec, BackupSink sink, String set) {
    if (!set.equals("latest")) {
      return Optional.of(set);
    }
    if (targetTime == null) {
      return PhysicalSets.newest(sink, "cluster");
    }
    Instant time = time(spec);
    return Optional.of(
        PhysicalSets.newestBefore(sink, "cluster", time)
            .orElseThrow(
                () ->
                    new ParameterException(
                        spec.commandLine(),
                        "no physical backup in "
                            + sink
                            + " ended before --target-time "
                            + targetTime
                            + ": choose a later time")));
  }

  PhysicalTarget target(CommandSpec spec, String from, int jobs) {
    PhysicalTarget.Builder b = PhysicalTarget.builder(dataDir).jobs(jobs).delta(delta);
    tablespaces.forEach(b::tablespace);
    b.restoreCommand(
        restoreCommand != null
            ? restoreCommand
            : "avnology-backup wal-get --from " + quote(from) + " %f %p");
    recovery(spec).ifPresent(b::recovery);
    return b.build();
  }

  private Optional<RecoveryTarget> recovery(CommandSpec spec) {
    List<RecoveryTarget> targets = new ArrayList<>();
    if (targetTime != null) {
      targets.add(RecoveryTarget.time(time(spec)));
    }
    if (targetLsn != null) {
      try {
        targets.add(RecoveryTarget.lsn(targetLsn));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), "--target-lsn: " + e.getMessage());
      }
    }
    if (targetName != null) {
      targets.add(RecoveryTarget.name(targetName));
    }
    if (targetImmediate) {
      targets.add(RecoveryTarget.immediate());
    }
    if (targets.size() > 1) {
      throw new ParameterException(
          spec.commandLine(),
          "give at most one of --target-time,"
              + " --target-lsn, --target-name and --target-immediate");
    }
    return targets.stream().findFirst();
  }

  private Instant time(CommandSpec spec) {
    try {
      return Instant.parse(targetTime);
    } catch (DateTimeParseException e) {
      try {
        String iso = targetTime.trim().replace(' ', 'T');
        return OffsetDateTime.parse(iso.matches(".*[+-]\\d\\d$") ? iso + ":00" : iso).toInstant();
      } catch (DateTimeParseException e2) {
        throw new ParameterException(
            spec.commandLine(),
            "--target-time takes a moment with its"
                + " zone, such as 2026-04-17T12:00:00Z or '2026-04-17 12:00:00+02': "
                + targetTime);
      }
    }
  }

  private static String quote(String s) {
    return SHELL_SAFE.matcher(s).matches() ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
