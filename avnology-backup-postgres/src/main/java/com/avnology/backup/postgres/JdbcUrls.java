package com.avnology.backup.postgres;

import java.util.regex.Pattern;
import org.postgresql.ds.PGSimpleDataSource;
import org.postgresql.jdbc.PreferQueryMode;

/** Data sources from JDBC URLs, with passwords kept out of every message. */
final class JdbcUrls {
  private JdbcUrls() {}

  static PGSimpleDataSource dataSource(String url) {
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "not a PostgreSQL JDBC URL: '"
              + redact(url)
              + "'; use jdbc:postgresql://host:5432/database");
    }
    if (url.matches("(?s)jdbc:postgresql://[^/?]*@.*")) {
      // PgJDBC takes "user:secret@host" for a host name; the UnknownHostException it then throws
      // would carry the password into every cause chain and log.
      throw new IllegalArgumentException(
          "JDBC URL '"
              + redact(url)
              + "' has a user@ or"
              + " user:password@ part, which the PostgreSQL driver does not support: use"
              + " ?user=...&password=... or password(...)");
    }
    PGSimpleDataSource ds =
        new PGSimpleDataSource() {
          private static final long serialVersionUID = 1L;

          @Override
          public String toString() {
            return "PGSimpleDataSource[" + redact(getUrl()) + "]";
          }
        };
    try {
      ds.setUrl(url);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot parse JDBC URL '" + redact(url) + "'");
    }
    return ds;
  }

  /**
   * {@return a new data source for them}
   *
   * @param url a PostgreSQL JDBC URL
   * @param password a password, or {@code null} for the URL's own
   */
  static PGSimpleDataSource dataSource(String url, String password) {
    PGSimpleDataSource ds = dataSource(url);
    if (password != null) {
      ds.setPassword(password);
    }
    return ds;
  }

  /**
   * {@return a new data source for a restore}: as {@link #dataSource(String, String)}, in PgJDBC's
   * simple query mode unless the URL chooses a mode. A restore sends thousands of statements once
   * each, in batches: simple mode sends a batch as one message and the server parses it once (the
   * extended protocol parses, binds and describes every statement apart), a quarter of a second
   * less on a database of a thousand relations. A batch then runs in one implicit transaction, as
   * under the extended protocol's single Sync.
   *
   * @param url a PostgreSQL JDBC URL
   * @param password a password, or {@code null} for the URL's own
   */
  static PGSimpleDataSource restoreDataSource(String url, String password) {
    PGSimpleDataSource ds = dataSource(url, password);
    if (!CHOOSES_QUERY_MODE.matcher(url).find()) {
      ds.setPreferQueryMode(PreferQueryMode.SIMPLE);
    }
    return ds;
  }

  private static final Pattern CHOOSES_QUERY_MODE = Pattern.compile("[?&]preferQueryMode=");

  /**
   * {@return it with any password parameter or user-info password replaced by ***}
   *
   * @param url a JDBC URL
   */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***")
        .replaceAll("(//[^/:@]+:)[^@/]*@", "$1***@");
  }
}
