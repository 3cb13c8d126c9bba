package com.avnology.backup.examples.cli;

import com.avnology.backup.BackupCatalog;
import com.avnology.backup.BackupSink;
import com.avnology.backup.postgres.physical.WalGaps;
import java.util.Optional;

/** verify's WAL check: gaps between the oldest physical base backup and the newest WAL. */
final class WalVerification {
  private WalVerification() {}

  /** {@return the report, or empty when the sink holds neither WAL nor a physical base backup} */
  static Optional<WalGaps.Report> check(
      BackupCatalog catalog, BackupSink sink, EncryptionOptions encryption) {
    if (sink.listObjects("wal/").isEmpty()
        && catalog.list().stream()
            .noneMatch(m -> m.targets().stream().anyMatch(t -> t.kind().equals("physical")))) {
      return Optional.empty();
    }
    return Optional.of(WalGaps.check(catalog, encryption.walArchive(sink)));
  }
}
