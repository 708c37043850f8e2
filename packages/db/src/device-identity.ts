/**
 * The alert labels whose value may name an inventory device, most specific first: where the
 * order matters, the first one present names the alerting entity. The control plane (alert page,
 * alert history) and the assistant (diagnosis) tie alerts to devices by this one list.
 * `job` is left out: it names a scrape job, which all its targets share (`job="node"` on every host).
 */
export const deviceIdentityLabels = ['device', 'instance', 'host', 'hostname', 'node', 'pod', 'service'] as const;
