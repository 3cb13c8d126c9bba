/**
 * avnology-backup's core API: {@link com.avnology.backup.Backup} jobs of {@link
 * com.avnology.backup.BackupTarget}s written to a {@link com.avnology.backup.BackupSink}, brought
 * back by a {@link com.avnology.backup.RestorePlan}; the backup-set format ({@link
 * com.avnology.backup.Manifest}); the {@link com.avnology.backup.FileSystemSink} and the {@link
 * com.avnology.backup.VolumeTarget}.
 */
package com.avnology.backup;
