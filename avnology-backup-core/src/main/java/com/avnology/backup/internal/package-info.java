/**
 * Implementation of avnology-backup's core. <strong>Not API</strong>: anything here may change or
 * disappear in any release; use the types of {@code com.avnology.backup} instead.
 */
package com.avnology.backup.internal;
