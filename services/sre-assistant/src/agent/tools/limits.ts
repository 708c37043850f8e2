/** How much one tool call may return: every tool result is cut to these, and says so. */
export interface ToolLimits {
  /** Series per metrics answer. */
  maxSeries: number;
  /** Points shown per series; the summary statistics cover all of them. */
  maxPointsPerSeries: number;
  /** The longest time window a tool accepts: metrics, label look-ups, alert history, audit log. */
  maxRangeHours: number;
  /** Entries per list: label names or values, devices, a device's dependencies, alerts, audit entries. */
  maxItems: number;
}

export const defaultToolLimits: Readonly<ToolLimits> = Object.freeze({
  maxSeries: 20,
  maxPointsPerSeries: 30,
  maxRangeHours: 24,
  maxItems: 50,
});
