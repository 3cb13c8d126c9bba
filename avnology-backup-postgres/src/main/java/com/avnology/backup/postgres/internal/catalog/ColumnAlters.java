package com.avnology.backup.postgres.internal.catalog;

import com.avnology.backup.postgres.internal.catalog.TableDefinition.Col;

/**
 * The per-column settings CREATE TABLE cannot carry ({@code dumpTableSchema}'s loop after the
 * CREATE): statistics target, storage, compression, attribute options and, for foreign tables,
 * generic column options. Tables, materialized views and foreign tables alike.
 */
final class ColumnAlters {
  private ColumnAlters() {}

  static void append(StringBuilder alters, Col c, String qn, boolean foreign) {
    String colAlter =
        "ALTER "
            + (foreign ? "FOREIGN " : "")
            + "TABLE ONLY "
            + qn
            + " ALTER COLUMN "
            + Sql.q(c.name());
    if (c.statTarget() != null && c.statTarget() >= 0) {
      alters.append(colAlter).append(" SET STATISTICS ").append(c.statTarget()).append(";\n");
    }
    if (c.storageDiffers()) {
      String s =
          switch (c.storage()) {
            case "p" -> "PLAIN";
            case "e" -> "EXTERNAL";
            case "m" -> "MAIN";
            default -> "EXTENDED";
          };
      alters.append(colAlter).append(" SET STORAGE ").append(s).append(";\n");
    }
    if ("p".equals(c.compression()) || "l".equals(c.compression())) {
      alters
          .append(colAlter)
          .append(" SET COMPRESSION ")
          .append(c.compression().equals("p") ? "pglz" : "lz4")
          .append(";\n");
    }
    if (c.options() != null && c.options().length > 0) {
      // getTableAttrs: array_to_string(attoptions, ', '), printed as stored
      alters
          .append(colAlter)
          .append(" SET (")
          .append(String.join(", ", c.options()))
          .append(");\n");
    }
    if (c.fdwOptions() != null && !c.fdwOptions().isEmpty()) {
      alters
          .append("ALTER FOREIGN TABLE ")
          .append(qn)
          .append(" ALTER COLUMN ")
          .append(Sql.q(c.name()))
          .append(" OPTIONS (\n    ")
          .append(c.fdwOptions())
          .append("\n);\n");
    }
  }
}
