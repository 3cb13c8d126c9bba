package com.avnology.backup.postgres;

import org.postgresql.ds.PGSimpleDataSource;

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
   * {@return it with any password parameter or user-info password replaced by ***}
   *
   * @param url a JDBC URL
   */
  static String redact(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***")
        .replaceAll("(//[^/:@]+:)[^@/]*@", "$1***@");
  }
}
