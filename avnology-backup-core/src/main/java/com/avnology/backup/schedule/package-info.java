/**
 * Schedules: a {@link com.avnology.backup.schedule.Scheduler} a service embeds runs {@link
 * com.avnology.backup.schedule.Job}s (a backup, with retention after each success, or any task) on
 * {@link com.avnology.backup.schedule.Schedule}s (every, daily at, weekly on, cron), without
 * overlap, with jitter and a policy for runs missed while the process was down, and stops without
 * leaving an unpublished set. Replicas of a service coordinate through their database ({@link
 * com.avnology.backup.schedule.JdbcRunCoordinator}) so that each due run happens once.
 */
package com.avnology.backup.schedule;
