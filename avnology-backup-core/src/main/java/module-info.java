/**
 * avnology-backup's core: the {@code Backup} and {@code Restore} API, the backup-set format, the
 * filesystem sink and volume target, retention and schedules.
 *
 * <p>Only the API packages are exported; {@code com.avnology.backup.internal} is not, so code
 * outside this library cannot compile against it.
 */
module com.avnology.backup {
  exports com.avnology.backup;
  exports com.avnology.backup.retention;
  exports com.avnology.backup.schedule;

  // JdbcRunCoordinator takes a DataSource
  requires transitive java.sql;
  requires java.net.http;
  requires org.slf4j;
  requires org.apache.commons.compress;
  requires com.github.luben.zstd_jni;
  requires com.cronutils;
  requires com.fasterxml.jackson.core;
}
