package com.avnology.backup.postgres.internal.engine;

import com.avnology.backup.postgres.internal.archive.TocEntry;
import com.avnology.backup.postgres.internal.catalog.Identifiers;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code ALTER … OWNER TO} that pg_restore runs after an entry ({@code _printTocEntry} and
 * {@code _getObjectDescription} in pg_backup_archiver.c).
 */
final class OwnerStatements {
  private static final Set<String> AS_TABLE = Set.of("VIEW", "SEQUENCE", "MATERIALIZED VIEW");
  private static final Set<String> QUALIFIED =
      Set.of(
          "COLLATION",
          "CONVERSION",
          "DOMAIN",
          "TABLE",
          "TYPE",
          "FOREIGN TABLE",
          "TEXT SEARCH DICTIONARY",
          "TEXT SEARCH CONFIGURATION",
          "STATISTICS");
  private static final Set<String> UNQUALIFIED =
      Set.of(
          "DATABASE",
          "PROCEDURAL LANGUAGE",
          "SCHEMA",
          "EVENT TRIGGER",
          "FOREIGN DATA WRAPPER",
          "SERVER",
          "PUBLICATION",
          "SUBSCRIPTION",
          "LARGE OBJECT");
  private static final Set<String> FROM_DROP =
      Set.of("AGGREGATE", "FUNCTION", "OPERATOR", "OPERATOR CLASS", "OPERATOR FAMILY", "PROCEDURE");

  private OwnerStatements() {}

  /**
   * {@return the statement giving the object its owner, if pg_restore would run one}
   *
   * @param e an entry
   */
  public static Optional<String> of(TocEntry e) {
    if (e.owner() == null
        || e.owner().isEmpty()
        || e.dropStmt() == null
        || e.dropStmt().isEmpty()) {
      return Optional.empty();
    }
    String desc = e.desc();
    String object;
    if (AS_TABLE.contains(desc)) {
      object = "TABLE " + qualified(e);
    } else if (QUALIFIED.contains(desc)) {
      object = desc + " " + qualified(e);
    } else if (UNQUALIFIED.contains(desc)) {
      object = desc + " " + Identifiers.quote(e.tag());
    } else if (desc.equals("BLOB")) {
      object = "LARGE OBJECT " + e.tag();
    } else if (FROM_DROP.contains(desc)) {
      String drop = e.dropStmt().strip();
      if (!drop.startsWith("DROP ")) {
        return Optional.empty();
      }
      drop = drop.substring(5);
      object = drop.endsWith(";") ? drop.substring(0, drop.length() - 1) : drop;
    } else {
      return Optional.empty();
    }
    return Optional.of("ALTER " + object + " OWNER TO " + Identifiers.quote(e.owner()) + ";");
  }

  private static String qualified(TocEntry e) {
    String tag = Identifiers.quote(e.tag());
    return e.namespace() == null || e.namespace().isEmpty()
        ? tag
        : Identifiers.quote(e.namespace()) + "." + tag;
  }
}
