package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.archive.TocEntry.Section;
import java.util.ArrayList;
import java.util.List;

/**
 * The loop repairs that change entries (pg_dump_sort.c): a pre-data object that needs a post-data
 * one (a view or function using {@code GROUP BY} on a primary key) is either split (view → dummy
 * view + {@code _RETURN} RULE) or postponed to post-data (matviews, functions).
 */
final class LoopRepair {
  private LoopRepair() {}

  static void repair(Ctx ctx) {
    typeFunctionLoops(ctx);
    boolean changed = true;
    while (changed) {
      changed = false;
      for (DumpObject o : new ArrayList<>(ctx.objects)) {
        if (o.section != Section.PRE_DATA || !needsPost(o)) {
          continue;
        }
        if ("VIEW".equals(o.desc) && o.dummyViewDefn != null) {
          split(ctx, o);
          changed = true;
        } else if ("MATERIALIZED VIEW".equals(o.desc) || o.kind == Kind.FUNC) {
          o.section = Section.POST_DATA;
          changed = true;
        }
      }
    }
  }

  /**
   * {@code repairTypeFuncLoop}: a base type needs its I/O functions, which need the type; each such
   * function depends on the type's SHELL TYPE instead, which is dumped only then.
   */
  private static void typeFunctionLoops(Ctx ctx) {
    for (DumpObject type : new ArrayList<>(ctx.objects)) {
      if (type.shellType == null) {
        continue;
      }
      boolean used = false;
      for (DumpObject f : type.deps) {
        if (f.kind == Kind.FUNC && f.deps.remove(type)) {
          f.dependOn(type.shellType);
          used = true;
        }
      }
      if (used) {
        ctx.add(type.shellType);
      }
    }
  }

  private static boolean needsPost(DumpObject o) {
    for (DumpObject d : o.deps) {
      if (d.section == Section.POST_DATA) {
        return true;
      }
    }
    return false;
  }

  /** {@code repairViewRuleMultiLoop}: the view becomes a dummy, a RULE entry defines it later. */
  private static void split(Ctx ctx, DumpObject view) {
    DumpObject rule =
        new DumpObject(Kind.RULE, Ctx.PG_REWRITE, view.returnRuleOid, view.namespace, "_RETURN");
    rule.desc = "RULE";
    rule.tag = view.name + " _RETURN";
    rule.parentName = view.name;
    rule.owner = view.owner;
    rule.defn = view.replaceViewDefn;
    rule.dropStmt = view.dummyViewDrop;
    List<DumpObject> keep = new ArrayList<>();
    for (DumpObject d : view.deps) {
      if (d.kind == Kind.NAMESPACE || d.kind == Kind.TYPE || d.kind == Kind.EXTENSION) {
        keep.add(d);
      }
      if (d.kind != Kind.NAMESPACE) {
        rule.dependOn(d);
      }
    }
    rule.dependOn(view);
    view.deps.clear();
    view.deps.addAll(keep);
    view.defn = view.dummyViewDefn;
    view.dummyViewDefn = null;
    ctx.add(rule);
  }
}
