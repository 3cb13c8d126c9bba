package com.avnology.backup.examples.cli;

/**
 * The demo's embedded PostgreSQL and S3 server (S3Proxy) are only in {@code
 * avnology-backup-demo.jar}: the CLI jar operators copy into a container leaves them out (about 100
 * MB of PostgreSQL binaries for every OS, jclouds, Guice).
 */
final class DemoJar {
  private DemoJar() {}

  /**
   * @param command the command that needs the demo's dependencies, for the message
   * @throws IllegalStateException if they are not on the class path
   */
  static void require(String command) {
    for (String name :
        new String[] {
          "io.zonky.test.db.postgres.embedded.EmbeddedPostgres", "org.gaul.s3proxy.S3Proxy"
        }) {
      try {
        Class.forName(name, false, DemoJar.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(
            command
                + " needs the embedded PostgreSQL and S3 server,"
                + " which avnology-backup.jar leaves out: run it from the demo jar, java -jar"
                + " avnology-backup-demo.jar "
                + command);
      }
    }
  }
}
