/**
 * The single-tenant restore behind {@link com.avnology.backup.postgres.TenantRestorePlan}.
 * <strong>Not API</strong>: anything here may change in any release.
 */
package com.avnology.backup.postgres.internal.tenant;
