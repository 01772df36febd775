/** The scheduler's health in the header (to be built). */
export function SchedulerStatusChip() {
  return null;
}
