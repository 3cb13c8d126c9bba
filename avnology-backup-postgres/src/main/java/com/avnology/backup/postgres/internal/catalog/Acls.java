package com.avnology.backup.postgres.internal.catalog;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** GRANT/REVOKE text from an ACL and its baseline, after pg_dump's {@code buildACLCommands}. */
final class Acls {
  private static final Map<Character, String> PRIVS =
      Map.ofEntries(
          Map.entry('r', "SELECT"),
          Map.entry('w', "UPDATE"),
          Map.entry('a', "INSERT"),
          Map.entry('d', "DELETE"),
          Map.entry('D', "TRUNCATE"),
          Map.entry('x', "REFERENCES"),
          Map.entry('t', "TRIGGER"),
          Map.entry('X', "EXECUTE"),
          Map.entry('U', "USAGE"),
          Map.entry('C', "CREATE"),
          Map.entry('c', "CONNECT"),
          Map.entry('T', "TEMPORARY"),
          Map.entry('m', "MAINTAIN"),
          Map.entry('s', "SET"),
          Map.entry('A', "ALTER SYSTEM"));

  private Acls() {}

  /** The privilege letters pg_dump checks for a GRANT type, in its output order. */
  static String letters(String type, boolean column, boolean maintain) {
    return switch (type) {
      case "TABLE", "TABLES" -> column ? "raxw" : "raxdtD" + (maintain ? "m" : "") + "w";
      case "SEQUENCE", "SEQUENCES" -> "rUw";
      case "FUNCTION", "PROCEDURE", "FUNCTIONS", "PROCEDURES" -> "X";
      case "SCHEMA", "SCHEMAS" -> "CU";
      case "DATABASE" -> "CcT";
      case "LARGE OBJECT" -> "rw";
      default -> "U";
    };
  }

  /** A parsed {@code grantee=privs/grantor}; grantee "" is PUBLIC. */
  record Item(String grantee, String grantor, List<String> privs, List<String> grantable) {}

  /**
   * {@return gRANT/REVOKE statements, or "" when the ACL equals the baseline}
   *
   * @param type the GRANT object type: TABLE, SEQUENCE, SCHEMA, FUNCTION, TYPE, …
   * @param name the object's SQL name as GRANT needs it
   * @param column a raw column name for column privileges, else null
   * @param acl the object's ACL items as text
   * @param base the baseline (acldefault or initial privileges), may be null
   * @param owner the object's owner
   */
  static String build(
      String type,
      String name,
      String column,
      String[] acl,
      String[] base,
      String owner,
      boolean maintain) {
    return build(type, name, column, acl, base, owner, maintain, "");
  }

  /** As above, each statement starting with {@code prefix} (ALTER DEFAULT PRIVILEGES …). */
  static String build(
      String type,
      String name,
      String column,
      String[] acl,
      String[] base,
      String owner,
      boolean maintain,
      String prefix) {
    String letters = letters(type, column != null, maintain);
    Set<String> have = new HashSet<>(Arrays.asList(acl));
    Set<String> baseline = base == null ? Set.of() : new HashSet<>(Arrays.asList(base));
    StringBuilder first = new StringBuilder();
    StringBuilder second = new StringBuilder();
    String on = " ON " + type + " " + name;
    if (base != null) {
      for (String b : base) {
        if (have.contains(b)) {
          continue;
        }
        // privileges and grant options alike are revoked by name (parseAclItem with privswgo NULL)
        Item it = parse(b.replace("*", ""), letters);
        if (!it.privs.isEmpty()) {
          first
              .append(prefix)
              .append("REVOKE ")
              .append(list(it.privs, column))
              .append(on)
              .append(" FROM ")
              .append(grantee(it))
              .append(";\n");
        }
      }
    }
    for (String a : acl) {
      if (baseline.contains(a)) {
        continue;
      }
      Item it = parse(a, letters);
      boolean asOwner = it.grantor.equals(owner);
      StringBuilder sb = asOwner && it.grantee.equals(owner) ? first : second;
      if (!asOwner) {
        sb.append("SET SESSION AUTHORIZATION ").append(Sql.q(it.grantor)).append(";\n");
      }
      if (!it.privs.isEmpty()) {
        sb.append(prefix)
            .append("GRANT ")
            .append(list(it.privs, column))
            .append(on)
            .append(" TO ")
            .append(grantee(it))
            .append(";\n");
      }
      if (!it.grantable.isEmpty()) {
        sb.append(prefix)
            .append("GRANT ")
            .append(list(it.grantable, column))
            .append(on)
            .append(" TO ")
            .append(grantee(it))
            .append(" WITH GRANT OPTION;\n");
      }
      if (!asOwner) {
        sb.append("RESET SESSION AUTHORIZATION;\n");
      }
    }
    return first.append(second).toString();
  }

  private static String grantee(Item it) {
    return it.grantee.isEmpty() ? "PUBLIC" : Sql.q(it.grantee);
  }

  private static String list(List<String> privs, String column) {
    List<String> out = new ArrayList<>();
    if (privs.equals(List.of("ALL"))) {
      return column == null ? "ALL" : "ALL(" + Sql.q(column) + ")";
    }
    for (String p : privs) {
      out.add(column == null ? p : p + "(" + Sql.q(column) + ")");
    }
    return String.join(",", out);
  }

  /** Parses an aclitem, keeping only the privileges of {@code letters}, in that order. */
  static Item parse(String item, String letters) {
    int[] pos = {0};
    String grantee = name(item, pos);
    if (item.charAt(pos[0]) != '=') {
      throw new IllegalArgumentException("bad aclitem " + item);
    }
    int slash = item.indexOf('/', pos[0]);
    String privText = item.substring(pos[0] + 1, slash < 0 ? item.length() : slash);
    pos[0] = slash < 0 ? item.length() : slash + 1;
    String grantor = pos[0] < item.length() ? name(item, pos) : "";
    List<String> privs = new ArrayList<>();
    List<String> grantable = new ArrayList<>();
    boolean allWithGo = true;
    boolean allWithoutGo = true;
    for (int i = 0; i < letters.length(); i++) {
      char c = letters.charAt(i);
      int at = privText.indexOf(c);
      if (at < 0) {
        allWithGo = false;
        allWithoutGo = false;
      } else if (at + 1 < privText.length() && privText.charAt(at + 1) == '*') {
        grantable.add(PRIVS.get(c));
        allWithoutGo = false;
      } else {
        privs.add(PRIVS.get(c));
        allWithGo = false;
      }
    }
    if (allWithGo) {
      privs = List.of();
      grantable = List.of("ALL");
    } else if (allWithoutGo) {
      grantable = List.of();
      privs = List.of("ALL");
    }
    return new Item(grantee, grantor, privs, grantable);
  }

  /** Reads a role name as aclitem output writes it (putid: double-quoted when needed). */
  private static String name(String s, int[] pos) {
    StringBuilder sb = new StringBuilder();
    int i = pos[0];
    if (i < s.length() && s.charAt(i) == '"') {
      i++;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '"') {
          if (i + 1 < s.length() && s.charAt(i + 1) == '"') {
            sb.append('"');
            i += 2;
            continue;
          }
          i++;
          break;
        }
        sb.append(c);
        i++;
      }
    } else {
      while (i < s.length() && s.charAt(i) != '=' && s.charAt(i) != '/') {
        sb.append(s.charAt(i++));
      }
    }
    pos[0] = i;
    return sb.toString();
  }
}
