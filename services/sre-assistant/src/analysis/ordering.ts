// Orders that do not depend on the host: code-unit order, not the locale's collation, so the same
// data gives the same answer on every machine.

export const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A series' labels as one string, the same whatever order they came in: names the series and breaks ties between series. */
export const seriesKey = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).sort(([a], [b]) => compareText(a, b)));
