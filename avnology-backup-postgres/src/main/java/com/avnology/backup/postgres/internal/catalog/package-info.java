/**
 * Reads a database's catalog over JDBC and turns it into pg_dump TOC entries. <strong>Internal, not
 * API</strong>: anything here may change in any release.
 *
 * <p>{@link com.avnology.backup.postgres.internal.catalog.CatalogReader} runs one reader per object
 * family ({@code SchemaReader}, {@code TypeReader}, {@code FunctionReader}, {@code RelationReader}
 * → {@code TableDefinition}/{@code SequenceReader}, {@code IndexReader}, {@code TriggerReader},
 * {@code CollationReader}, {@code OperatorReader}, …, {@code CommentReader}). Each creates {@code
 * DumpObject}s (pg_dump's DumpableObjects); dependencies come from {@code pg_depend} through
 * aliases (array/row types, inline defaults and CHECKs, index-backed constraints, {@code _RETURN}
 * rules, extension members), {@code LoopRepair} splits or postpones what pg_dump's loop repair
 * would, {@code TopoSort} orders them as pg_dump_sort.c does, and {@code Emitter} assigns dump ids
 * and builds the entries.
 */
package com.avnology.backup.postgres.internal.catalog;
