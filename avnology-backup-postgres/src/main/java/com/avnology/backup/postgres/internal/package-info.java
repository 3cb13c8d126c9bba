/**
 * Implementation of the PostgreSQL engine. <strong>Not API</strong>: anything here may change in
 * any release; use {@code com.avnology.backup.postgres} instead.
 */
package com.avnology.backup.postgres.internal;
