/** "Forecast to run dry soon", as the dashboard counts it and the clients list filters by it (balances.run_dry_at). */
export const DRY_WITHIN_MS = 24 * 3_600_000;
