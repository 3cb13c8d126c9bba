package com.avnology.backup.s3;

/**
 * What a bucket restore does with objects that already exist at the destination. An object differs
 * when its size, bytes (MD5), content type or user metadata differ.
 */
public enum OverwritePolicy {
  /**
   * Refuse: if any existing object differs from the backup, nothing is written and the error lists
   * them. Identical objects are left as they are; missing ones are written. The default.
   */
  NEVER,
  /** Replace existing objects that differ; leave identical ones untouched. */
  IF_DIFFERENT,
  /** Write every object of the backup without looking at what exists. */
  ALWAYS
}
