/** Seeded databases for integration tests: examples that run with {@code mvn verify}. */
package com.avnology.backup.examples.seeding;
