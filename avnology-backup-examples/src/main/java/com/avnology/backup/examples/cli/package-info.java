/**
 * The {@code avnology-backup} command-line tool, built on the library's public API only. Its code
 * doubles as a usage example; it is not a library API.
 */
package com.avnology.backup.examples.cli;
