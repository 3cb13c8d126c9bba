package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits an archive's entries into pg_restore's phases and passes, and turns the parallel part into
 * scheduler tasks as {@code pg_restore -j} does ({@code fix_dependencies}, {@code
 * repoint_table_dependencies}, {@code identify_locking_dependencies}).
 */
final class RestorePlanner {
  private static final Set<String> SPECIAL = Set.of("ENCODING", "STDSTRINGS", "SEARCHPATH");
  private static final Set<String> ACL_PASS = Set.of("ACL", "DEFAULT ACL");

  /** Entries in TOC order, by phase. */
  public final List<TocEntry> preData = new ArrayList<>();

  /** TABLE DATA and SEQUENCE SET entries. */
  public final List<TocEntry> data = new ArrayList<>();

  /** Post-data entries of the main pass. */
  public final List<TocEntry> postData = new ArrayList<>();

  /** ACL and DEFAULT ACL entries. */
  public final List<TocEntry> acls = new ArrayList<>();

  /** Entries of the last pass: matview refreshes, event triggers. */
  public final List<TocEntry> last = new ArrayList<>();

  /** The SEARCHPATH entry's statement, if any. */
  public String searchPath;

  /** The ENCODING entry's encoding, if any. */
  public String encoding;

  /** Whether standard_conforming_strings was on. */
  public boolean standardStrings = true;

  private final Map<Integer, TocEntry> byId = new HashMap<>();

  /**
   * @param entries the archive's entries in TOC order
   * @param withPrivileges whether ACL entries are kept
   */
  public RestorePlanner(List<TocEntry> entries, boolean withPrivileges) {
    // As restore_toc_entries_prefork: SECTION_NONE entries (comments, mostly) run with pre-data
    // until the first data or post-data entry; after it they wait for their dependencies.
    boolean pastPreData = false;
    for (TocEntry e : entries) {
      byId.put(e.dumpId(), e);
      String desc = e.desc();
      if (SPECIAL.contains(desc)) {
        special(e);
      } else if (desc.equals("DATABASE") || desc.equals("DATABASE PROPERTIES")) {

      } else if (ACL_PASS.contains(desc)) {
        if (withPrivileges) {
          acls.add(e);
        }
      } else if (desc.equals("MATERIALIZED VIEW DATA")
          || desc.equals("EVENT TRIGGER")
          || (desc.equals("COMMENT") && e.tag().startsWith("EVENT TRIGGER "))) {
        last.add(e);
      } else if (e.section() == TocEntry.Section.DATA) {
        pastPreData = true;
        data.add(e);
      } else if (e.section() == TocEntry.Section.POST_DATA
          || (e.section() == TocEntry.Section.NONE && pastPreData)) {
        pastPreData = true;
        postData.add(e);
      } else {
        preData.add(e);
      }
    }
  }

  private void special(TocEntry e) {
    String defn = e.defn() == null ? "" : e.defn();
    switch (e.desc()) {
      case "ENCODING" -> {
        int a = defn.indexOf('\'');
        int b = defn.indexOf('\'', a + 1);
        encoding = a >= 0 && b > a ? defn.substring(a + 1, b) : null;
      }
      case "STDSTRINGS" -> standardStrings = !defn.contains("'off'");
      default -> searchPath = defn;
    }
  }

  /** {@return every entry in TOC order that {@link #preData} \u2026 {@link #last} hold} */
  public List<TocEntry> all() {
    List<TocEntry> all = new ArrayList<>(preData);
    all.addAll(data);
    all.addAll(postData);
    all.addAll(acls);
    all.addAll(last);
    return all;
  }

  /** {@return data and post-data entries as tasks for parallel workers} */
  public List<TaskScheduler.Task<TocEntry>> parallelTasks(Map<Integer, Long> dataSizes) {
    Map<Integer, Integer> tableToData = new HashMap<>();
    for (TocEntry d : data) {
      if (d.desc().equals("TABLE DATA") && !d.dependencies().isEmpty()) {
        tableToData.put(d.dependencies().get(0), d.dumpId());
      }
    }
    List<TaskScheduler.Task<TocEntry>> tasks = new ArrayList<>();
    int order = 0;
    for (TocEntry d : data) {
      Set<String> locks = new HashSet<>();
      for (int dep : d.dependencies()) {
        locks.add("t" + dep);
      }
      tasks.add(
          new TaskScheduler.Task<>(
              d.dumpId(),
              List.of(),
              locks,
              true,
              dataSizes.getOrDefault(d.dumpId(), 0L),
              order++,
              d));
    }
    for (TocEntry p : postData) {
      List<Integer> deps = new ArrayList<>();
      Set<String> locks = new HashSet<>();
      for (int dep : p.dependencies()) {
        TocEntry target = byId.get(dep);
        Integer dataId = tableToData.get(dep);
        deps.add(dataId != null ? dataId : dep);
        if (target != null && target.desc().equals("TABLE")) {
          locks.add("t" + dep);
        }
      }
      tasks.add(
          new TaskScheduler.Task<>(
              p.dumpId(), deps, locks, !p.desc().equals("INDEX"), 0L, order++, p));
    }
    return tasks;
  }
}
