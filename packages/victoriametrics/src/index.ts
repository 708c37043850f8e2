export { createVictoriaMetricsClient, type VictoriaMetricsClient, type VictoriaMetricsClientOptions } from './client';
export { anyOf, selectorFor, type RangeQueryResult, type Series, type TimeRange } from './series';
