/**
 * Retention: which backup sets a sink keeps and which it lets go. A {@link
 * com.avnology.backup.retention.RetentionPolicy} says what to keep; a {@link
 * com.avnology.backup.retention.Pruner} applies it to a sink per target (kind and name), never
 * deleting the newest good set of any target, keeping physical chains whole and expiring the WAL
 * that no kept base backup needs; a {@link com.avnology.backup.retention.PruneReport} says, set by
 * set, what was (or, in a dry run, would be) kept or deleted and by which rule.
 */
package com.avnology.backup.retention;
