package com.avnology.backup.examples.cli;

import com.avnology.backup.Encryption;
import com.avnology.backup.KeySource;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * {@code --key-env VAR} (a base64 32-byte key) or {@code --passphrase-env VAR}: the secret is read
 * from the environment, never from the command line.
 */
final class EncryptionOptions {
  @Option(
      names = "--key-env",
      paramLabel = "VAR",
      description = "Encrypt/decrypt with the base64 32-byte key in environment variable VAR")
  String keyEnv;

  @Option(
      names = "--passphrase-env",
      paramLabel = "VAR",
      description =
          "Encrypt/decrypt with the passphrase in environment variable VAR"
              + " (PBKDF2-HMAC-SHA256, 600,000 iterations)")
  String passphraseEnv;

  Optional<Encryption> encryption() {
    if (keyEnv != null && passphraseEnv != null) {
      throw new IllegalArgumentException("give one of --key-env and --passphrase-env, not both");
    }
    if (keyEnv != null) {
      return Optional.of(Encryption.aes256Gcm(KeySource.env(keyEnv)));
    }
    if (passphraseEnv != null) {
      String passphrase = System.getenv(passphraseEnv);
      if (passphrase == null || passphrase.isEmpty()) {
        throw new IllegalArgumentException(
            "environment variable " + passphraseEnv + " (--passphrase-env) is not set or empty");
      }
      return Optional.of(Encryption.aes256Gcm(KeySource.passphrase(passphrase.toCharArray())));
    }
    return Optional.empty();
  }

  /** {@return the WAL archive in {@code sink}, encrypted if a key was given} */
  com.avnology.backup.postgres.physical.WalArchive walArchive(com.avnology.backup.BackupSink sink) {
    return encryption()
        .map(
            e ->
                com.avnology.backup.postgres.physical.WalArchive.builder(sink)
                    .encryption(e)
                    .build())
        .orElseGet(() -> com.avnology.backup.postgres.physical.WalArchive.of(sink));
  }
}
