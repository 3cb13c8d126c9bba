package com.avnology.backup.postgres.internal.physical;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Permission bits to POSIX permissions. Stateless. */
final class Modes {
  private static final PosixFilePermission[] BITS = PosixFilePermission.values();

  private Modes() {}

  /** {@return the permissions of the bits, with the owner's read and write always} */
  static Set<PosixFilePermission> permissions(int mode) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    for (int i = 0; i < BITS.length; i++) {
      if ((mode & (1 << (8 - i))) != 0) {
        set.add(BITS[i]);
      }
    }
    set.add(PosixFilePermission.OWNER_READ);
    set.add(PosixFilePermission.OWNER_WRITE);
    return set;
  }
}
