package com.avnology.backup.postgres;

import java.util.Map;
import java.util.TreeMap;

/** What PostgreSQL itself changes between majors, removed from both sides of a comparison. */
final class MajorNormalization {
  private MajorNormalization() {}

  static Map<String, String> snapshot(Map<String, String> snapshot, int source, int target) {
    return new TreeMap<>(snapshot);
  }
}
