package com.avnology.backup.postgres.internal.seeding;

import com.avnology.backup.BackupException;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Marks the databases this JVM creates, and finds and drops those a dead JVM left: on this host a
 * maker is dead when no process with its pid and start time runs; a database made on another host
 * (its comment names the host) is dropped once older than {@code staleAfter}. Thread-safe.
 */
public final class Leftovers {
  private static final Logger log = LoggerFactory.getLogger(Leftovers.class);
  private static final String MARK = "avnology-seeding";
  private static final String HOST = host();

  private Leftovers() {}

  /**
   * {@return the comment that marks a database as one of ours: host and creation time}
   *
   * @param clock the time written in the comment
   */
  public static String comment(Clock clock) {
    return MARK
        + " host="
        + HOST
        + " created="
        + clock.instant()
        + " (a test database: dropped when its JVM ends, or by the next run after a crash)";
  }

  /**
   * Drops every database of this prefix whose maker has died.
   *
   * @param server the server
   * @param prefix the name prefix
   * @param staleAfter age after which a database made on another host is dropped
   * @param clock the current time
   * @return the databases dropped
   */
  public static List<String> remove(
      Server server, String prefix, Duration staleAfter, Clock clock) {
    List<String> dropped = new ArrayList<>();
    for (String[] row : candidates(server, prefix)) {
      String name = row[0];
      Optional<Names.Owner> owner = Names.owner(prefix, name);
      if (owner.isEmpty()
          || owner.get().isCurrent()
          || !stale(owner.get(), row[1], staleAfter, clock)) {
        continue;
      }
      try {
        server.drop(name);
        dropped.add(name);
        log.info(
            "dropped test database {}: the JVM that made it (pid {}) has ended",
            name,
            owner.get().pid());
      } catch (BackupException e) {
        log.warn("cannot drop leftover test database {}: {}", name, e.getMessage());
      }
    }
    return dropped;
  }

  private static boolean stale(
      Names.Owner owner, String comment, Duration staleAfter, Clock clock) {
    String host = field(comment, "host=");
    if (host == null || host.equals(HOST)) {
      return !owner.isAlive();
    }
    String created = field(comment, "created=");
    Instant at =
        created == null ? Instant.ofEpochMilli(owner.startMillis()) : Instant.parse(created);
    return at.plus(staleAfter).isBefore(clock.instant());
  }

  private static String field(String comment, String key) {
    if (comment == null || !comment.startsWith(MARK)) {
      return null;
    }
    int at = comment.indexOf(key);
    if (at < 0) {
      return null;
    }
    int end = comment.indexOf(' ', at);
    return comment.substring(at + key.length(), end < 0 ? comment.length() : end);
  }

  private static List<String[]> candidates(Server server, String prefix) {
    List<String[]> out = new ArrayList<>();
    try (Connection c = server.admin();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT datname, shobj_description(oid, 'pg_database')"
                    + " FROM pg_database WHERE starts_with(datname, '"
                    + prefix
                    + "_')")) {
      while (rs.next()) {
        out.add(new String[] {rs.getString(1), rs.getString(2)});
      }
    } catch (SQLException e) {
      throw new BackupException("cannot list databases on " + server + ": " + e.getMessage(), e);
    }
    return out;
  }

  private static String host() {
    String h = System.getenv("HOSTNAME");
    if (h == null || h.isBlank()) {
      try {
        h = InetAddress.getLocalHost().getHostName();
      } catch (Exception e) {
        h = "unknown";
      }
    }
    return h.replace(' ', '_');
  }
}
