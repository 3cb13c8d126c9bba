/**
 * pg_dump's other archive formats: custom ({@code -Fc}) and tar ({@code -Ft}) archives read as
 * {@link com.avnology.backup.postgres.internal.engine.ArchiveSource}s, custom archives written from
 * any archive source, and {@code pg_restore -l} listings. <strong>Internal, not API</strong>:
 * anything here may change in any release.
 */
package com.avnology.backup.postgres.internal.interop;
