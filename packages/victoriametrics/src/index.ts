export {
  createVictoriaMetricsClient,
  type LabelListOptions,
  type ListOptions,
  type QueryOptions,
  type VictoriaMetricsClient,
  type VictoriaMetricsClientOptions,
} from './client';
export {
  anyOf,
  labelNamePattern,
  selectorFor,
  type InstantQueryResult,
  type InstantSample,
  type LabelNamesResult,
  type LabelValuesResult,
  type RangeQueryResult,
  type Series,
  type SeriesListResult,
  type TimeRange,
  type TimeWindow,
} from './series';
