package com.avnology.backup.postgres.internal.catalog;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** pg_dump's ordering: sort by type priority and name, then {@code TopoSort} (pg_dump_sort.c). */
final class TopoSort {
  private static final Logger LOG = LoggerFactory.getLogger(TopoSort.class);

  private TopoSort() {}

  /** {@code DOTypeNameCompare}. */
  // pg_dump breaks ties by its object type enum, whose order Kind is declared in
  @SuppressWarnings("EnumOrdinal")
  static final Comparator<DumpObject> NAME_ORDER =
      (a, b) -> {
        int c = Integer.compare(a.kind.priority, b.kind.priority);
        if (c != 0) {
          return c;
        }
        if (a.namespace != null && b.namespace != null) {
          c = bytes(a.namespace, b.namespace);
          if (c != 0) {
            return c;
          }
        } else if (a.namespace != null) {
          return -1;
        } else if (b.namespace != null) {
          return 1;
        }
        c = bytes(a.name, b.name);
        if (c != 0) {
          return c;
        }
        c = Integer.compare(a.kind.ordinal(), b.kind.ordinal());
        if (c != 0) {
          return c;
        }
        c = Integer.compare(a.argCount, b.argCount);
        if (c != 0) {
          return c;
        }
        c = bytes(a.argKey, b.argKey);
        if (c != 0) {
          return c;
        }
        c = Boolean.compare(!a.domainChild, !b.domainChild);
        if (c != 0) {
          return c;
        }
        c = bytes(a.parentName, b.parentName);
        if (c != 0) {
          return c;
        }
        c = Integer.compare(a.attnum, b.attnum);
        if (c != 0) {
          return c;
        }
        return Long.compare(a.oid, b.oid);
      };

  /** strcmp over UTF-8 bytes. */
  static int bytes(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@return them in dump order}
   *
   * @param objects all objects, boundaries included
   */
  static List<DumpObject> sort(List<DumpObject> objects) {
    List<DumpObject> input = new ArrayList<>(objects);
    input.sort(NAME_ORDER);
    while (true) {
      List<DumpObject> out = topo(input);
      if (out != null) {
        return out;
      }
    }
  }

  /** Knuth's algorithm with a max-heap of input positions; null after breaking a loop. */
  private static List<DumpObject> topo(List<DumpObject> input) {
    int n = input.size();
    IdentityHashMap<DumpObject, Integer> pos = new IdentityHashMap<>();
    for (int i = 0; i < n; i++) {
      pos.put(input.get(i), i);
    }
    int[] before = new int[n];
    for (DumpObject o : input) {
      for (DumpObject d : o.deps) {
        Integer p = pos.get(d);
        if (p != null) {
          before[p]++;
        }
      }
    }
    PriorityQueue<Integer> heap = new PriorityQueue<>(Comparator.reverseOrder());
    for (int i = 0; i < n; i++) {
      if (before[i] == 0) {
        heap.add(i);
      }
    }
    DumpObject[] ordering = new DumpObject[n];
    int j = n;
    while (!heap.isEmpty()) {
      DumpObject o = input.get(heap.poll());
      ordering[--j] = o;
      for (DumpObject d : o.deps) {
        Integer p = pos.get(d);
        if (p != null && --before[p] == 0) {
          heap.add(p);
        }
      }
    }
    if (j == 0) {
      return List.of(ordering);
    }
    breakLoop(input, before, pos);
    return null;
  }

  /** Finds one dependency loop among the unsorted objects and drops one of its edges. */
  private static void breakLoop(
      List<DumpObject> input, int[] before, Map<DumpObject, Integer> pos) {
    Map<DumpObject, Integer> state = new HashMap<>();
    for (int i = 0; i < input.size(); i++) {
      if (before[i] > 0) {
        List<DumpObject> path = new ArrayList<>();
        DumpObject[] edge = dfs(input.get(i), state, path, pos, before);
        if (edge != null) {
          LOG.warn("could not resolve dependency loop; dropping edge {} -> {}", edge[0], edge[1]);
          edge[0].deps.remove(edge[1]);
          return;
        }
      }
    }
    throw new IllegalStateException("dependency sort failed without a loop");
  }

  private static DumpObject[] dfs(
      DumpObject o,
      Map<DumpObject, Integer> state,
      List<DumpObject> path,
      Map<DumpObject, Integer> pos,
      int[] before) {
    state.put(o, 1);
    path.add(o);
    for (DumpObject d : Set.copyOf(o.deps)) {
      Integer p = pos.get(d);
      if (p == null || before[p] == 0) {
        continue;
      }
      Integer s = state.get(d);
      if (s != null && s == 1) {
        return new DumpObject[] {o, d};
      }
      if (s == null) {
        DumpObject[] e = dfs(d, state, path, pos, before);
        if (e != null) {
          return e;
        }
      }
    }
    state.put(o, 2);
    path.remove(path.size() - 1);
    return null;
  }
}
