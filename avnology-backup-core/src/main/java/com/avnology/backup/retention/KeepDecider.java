package com.avnology.backup.retention;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.Manifest;
import com.avnology.backup.NotFoundException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Decides, for one prune, which sets stay and why. Not thread-safe; one per prune. */
final class KeepDecider {
  private static final Logger log = LoggerFactory.getLogger(KeepDecider.class);

  private final BackupCatalog catalog;
  private final RetentionPolicy policy;
  private final Instant now;
  private final ZoneId zone;
  private final Map<String, Boolean> intact = new HashMap<>();
  private final Map<String, List<String>> keep = new LinkedHashMap<>();

  KeepDecider(BackupCatalog catalog, RetentionPolicy policy, Instant now, ZoneId zone) {
    this.catalog = catalog;
    this.policy = policy;
    this.now = now;
    this.zone = zone;
  }

  /**
   * {@return set id to the reasons it stays; sets absent go}
   *
   * @param entries the sink's published sets
   */
  Map<String, List<String>> decide(List<BackupCatalog.Entry> entries) {
    Map<String, List<Manifest>> byTarget = new LinkedHashMap<>();
    Map<String, Manifest> byId = new HashMap<>();
    for (BackupCatalog.Entry entry : entries) {
      if (entry.damaged()) {
        add(
            entry.id(),
            "its manifest cannot be read ("
                + entry.damage().orElseThrow()
                + "), so its targets are unknown: check it with verify, then delete it by hand");
        continue;
      }
      Manifest m = entry.manifest().orElseThrow();
      byId.put(m.id(), m);
      for (Manifest.Target t : m.targets()) {
        byTarget.computeIfAbsent(t.kind() + "/" + t.name(), k -> new ArrayList<>()).add(m);
      }
    }
    byTarget.forEach(
        (label, sets) -> {
          sets.sort(Comparator.comparing(Manifest::startedAt).reversed());
          target(label, sets);
        });
    keepChains(byId);
    return keep;
  }

  private void target(String label, List<Manifest> sets) {
    List<RetentionRules.Member> members =
        sets.stream().map(m -> new RetentionRules.Member(m.id(), m.startedAt())).toList();
    RetentionRules.apply(policy, label, members, now, zone)
        .forEach((id, reasons) -> reasons.forEach(r -> add(id, r)));
    for (Manifest m : sets) {
      if (intact(m.id())) {
        add(m.id(), "newest good set of " + label + " (published, every artifact verified)");
        break;
      }
    }
    if (label.startsWith(Pruner.PHYSICAL + "/") && policy.keepDays().isPresent()) {
      Instant windowStart = now.minus(Duration.ofDays(policy.keepDays().getAsInt()));
      String name = label.substring(Pruner.PHYSICAL.length() + 1);
      for (Manifest m : sets) {
        if (!stopped(m, name).isAfter(windowStart)) {
          add(
              m.id(),
              "base backup of "
                  + label
                  + " for point-in-time recovery to the start of"
                  + " the keep-days window ("
                  + windowStart
                  + ")");
          break;
        }
      }
    }
  }

  /** Keeps the set each kept incremental builds on, up to its full. */
  private void keepChains(Map<String, Manifest> byId) {
    List<String> pending = new ArrayList<>(keep.keySet());
    while (!pending.isEmpty()) {
      String id = pending.remove(pending.size() - 1);
      Manifest m = byId.get(id);
      if (m == null) {
        continue;
      }
      for (Manifest.Target t : m.targets()) {
        String parent = t.kind().equals(Pruner.PHYSICAL) ? t.metadata().get("parent") : null;
        if (parent != null) {
          boolean added = !keep.containsKey(parent);
          add(
              parent,
              "chain: incremental " + id + " of " + t.kind() + "/" + t.name() + " builds on it");
          if (added) {
            pending.add(parent);
          }
        }
      }
    }
  }

  private static Instant stopped(Manifest m, String name) {
    String stop =
        m.target(Pruner.PHYSICAL, name).map(t -> t.metadata().get("stop_time")).orElse(null);
    return stop == null ? m.finishedAt() : Instant.parse(stop);
  }

  private boolean intact(String id) {
    return intact.computeIfAbsent(
        id,
        k -> {
          try {
            boolean ok = catalog.verify(k).ok();
            if (!ok) {
              log.warn("set {} fails verification, so it is not the newest good set", k);
            }
            return ok;
          } catch (NotFoundException e) {
            return false;
          }
        });
  }

  private void add(String id, String reason) {
    keep.computeIfAbsent(id, k -> new ArrayList<>()).add(reason);
  }
}
