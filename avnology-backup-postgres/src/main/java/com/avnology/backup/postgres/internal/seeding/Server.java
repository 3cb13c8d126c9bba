package com.avnology.backup.postgres.internal.seeding;

import static java.util.Objects.requireNonNull;

import com.avnology.backup.BackupException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One PostgreSQL server reached through a JDBC URL: data sources for its other databases, and the
 * statements that create and drop them. Immutable and thread-safe.
 */
public final class Server {
  private static final Pattern URL =
      Pattern.compile("(?s)(jdbc:postgresql://[^/?]*/)([^?]*)(\\?.*)?");

  private final String url;
  private final String user;
  private final String password;
  private final Matcher parts;

  private Server(String url, String user, String password) {
    this.url = url;
    this.user = user;
    this.password = password;
    Matcher m = URL.matcher(url);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL with a host: '"
              + redact(url)
              + "'; use jdbc:postgresql://host:5432/database");
    }
    this.parts = m;
  }

  /**
   * {@return the server}
   *
   * @param url a JDBC URL of any database of the server; the one created databases are managed from
   * @param user a user, or null for the URL's
   * @param password a password, or null for the URL's
   * @throws IllegalArgumentException if the URL is not a PostgreSQL JDBC URL with a host
   */
  public static Server of(String url, String user, String password) {
    return new Server(requireNonNull(url, "null url"), user, password);
  }

  /** {@return the database the URL names (empty if it names none)} */
  public String database() {
    return parts.group(2);
  }

  /**
   * {@return the URL with that database in it}
   *
   * @param database a database of this server
   */
  public String urlFor(String database) {
    String query = parts.group(3);
    return parts.group(1) + database + (query == null ? "" : query);
  }

  /**
   * {@return a new data source for it, with this server's credentials}
   *
   * @param database a database of this server
   */
  public PGSimpleDataSource dataSource(String database) {
    String target = urlFor(database);
    PGSimpleDataSource ds =
        new PGSimpleDataSource() {
          private static final long serialVersionUID = 1L;

          @Override
          public String toString() {
            return "PGSimpleDataSource[" + redact(target) + "]";
          }
        };
    ds.setUrl(target);
    if (user != null) {
      ds.setUser(user);
    }
    if (password != null) {
      ds.setPassword(password);
    }
    return ds;
  }

  /** {@return a connection to the URL's database; the caller closes it} */
  public Connection admin() {
    try {
      return dataSource(database()).getConnection();
    } catch (SQLException e) {
      throw new BackupException(
          "cannot connect to "
              + redact(url)
              + ": "
              + e.getMessage()
              + "; check the JDBC URL and credentials",
          e);
    }
  }

  /**
   * Runs one SQL statement.
   *
   * @param sql one statement, run on a new admin connection
   * @throws BackupException naming the statement when the server refuses it
   */
  public void execute(String sql) {
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new BackupException(sql + " failed on " + redact(url) + ": " + e.getMessage(), e);
    }
  }

  /** {@return whether the user may create databases (superuser or CREATEDB)} */
  public boolean canCreateDatabases() {
    try (Connection c = admin();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user")) {
      return rs.next() && rs.getBoolean(1);
    } catch (SQLException e) {
      throw new BackupException(
          "cannot read the privileges of the user of " + redact(url) + ": " + e.getMessage(), e);
    }
  }

  /**
   * Drops a database, ending its sessions ({@code WITH (FORCE)}, PostgreSQL 13+); a template flag
   * is cleared first. A database that is already gone is not an error.
   *
   * @param name the database
   */
  public void drop(String name) {
    String q = Names.quote(name);
    try (Connection c = admin();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT datistemplate FROM pg_database WHERE datname = '" + name + "'")) {
        if (!rs.next()) {
          return;
        }
        if (rs.getBoolean(1)) {
          s.execute("ALTER DATABASE " + q + " IS_TEMPLATE false");
        }
      }
      s.execute("DROP DATABASE IF EXISTS " + q + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new BackupException(
          "cannot drop database " + name + " on " + redact(url) + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return redact(url);
  }

  /**
   * {@return it with any password replaced by ***}
   *
   * @param url a JDBC URL
   */
  public static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***");
  }
}
