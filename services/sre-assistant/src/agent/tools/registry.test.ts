import { describe, expect, it } from 'vitest';
import { createVictoriaMetricsClient } from '@sre/victoriametrics';
import { createControlPlaneClient } from '../../integrations/control-plane.client';
import { createGrafanaClient } from '../../integrations/grafana.client';
import { defaultToolLimits } from './limits';
import { createToolRegistry } from './registry';
import { functionDeclarationOf } from './tool';

// Neither is called: declaring tools makes no request.
const metrics = createVictoriaMetricsClient({ url: 'http://127.0.0.1:9' });
const inventory = createControlPlaneClient({
  baseUrl: 'http://127.0.0.1:9',
  audience: 'urn:sre-platform:control-plane',
  issuerUrl: 'http://127.0.0.1:9/realms/sre',
  clientId: 'sre-assistant',
  clientSecret: 'unused',
  allowInsecureRequests: true,
});
const grafana = createGrafanaClient({ url: 'http://127.0.0.1:9', token: 'unused' });

const metricsTools = ['find_metric_series', 'list_metric_labels', 'query_metrics_instant', 'query_metrics_range'];
const inventoryTools = ['list_devices', 'get_device', 'list_alert_history', 'list_audit_log'];
const grafanaTools = ['search_dashboards', 'get_dashboard_queries', 'list_annotations'];

// Keywords Gemini's function declarations reject or that would leave a model without a usable schema.
const rejectedKeywords = new Set(['$ref', '$defs', 'definitions', 'anyOf', 'oneOf', 'allOf', 'not', 'if', 'then', 'else', 'prefixItems']);

type JsonSchema = { type?: string; description?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; [keyword: string]: unknown };

/** Every place in the schema where a problem shows, as a JSON path and what is wrong. */
function problemsOf(schema: JsonSchema, path = '$'): string[] {
  const problems = Object.keys(schema)
    .filter((keyword) => rejectedKeywords.has(keyword))
    .map((keyword) => `${path} uses ${keyword}`);
  if (schema.type === 'object' && schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
    problems.push(`${path} is a map (additionalProperties), which Gemini does not take`);
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (!property.description) problems.push(`${path}.${name} has no description`);
    problems.push(...problemsOf(property, `${path}.${name}`));
  }
  if (schema.items) problems.push(...problemsOf(schema.items, `${path}[]`));
  return problems;
}

describe('the tool registry', () => {
  it('offers the metrics tools only with VictoriaMetrics, the inventory tools only with the control plane', () => {
    expect(createToolRegistry({ metrics, inventory, limits: defaultToolLimits }).map(({ name }) => name)).toEqual([...metricsTools, ...inventoryTools]);
    expect(createToolRegistry({ metrics, limits: defaultToolLimits }).map(({ name }) => name)).toEqual(metricsTools);
    expect(createToolRegistry({ inventory, limits: defaultToolLimits }).map(({ name }) => name)).toEqual(inventoryTools);
    expect(createToolRegistry({ limits: defaultToolLimits })).toEqual([]);
  });

  it('offers the dashboard and annotation tools only with Grafana', () => {
    expect(createToolRegistry({ grafana, limits: defaultToolLimits }).map(({ name }) => name)).toEqual(grafanaTools);
    expect(createToolRegistry({ metrics, inventory, grafana, limits: defaultToolLimits }).map(({ name }) => name)).toEqual([...metricsTools, ...inventoryTools, ...grafanaTools]);
    expect(createToolRegistry({ metrics, inventory, limits: defaultToolLimits }).map(({ name }) => name)).not.toContain('search_dashboards');
  });

  it('finds a tool by name, and no tool by a name it does not have', () => {
    const registry = createToolRegistry({ metrics, limits: defaultToolLimits });
    expect(registry.find((tool) => tool.name === 'query_metrics_range')?.name).toBe('query_metrics_range');
    expect(registry.find((tool) => tool.name === 'get_device')).toBeUndefined();
  });

  it('puts the limits in the descriptions the model reads', () => {
    const registry = createToolRegistry({ metrics, limits: { ...defaultToolLimits, maxRangeHours: 6, maxSeries: 7 } });
    expect(registry.find((tool) => tool.name === 'query_metrics_range')?.description).toContain('at most 6 hours');
    expect(registry.find((tool) => tool.name === 'query_metrics_range')?.description).toContain('at most 7)');
  });

  describe.each([...metricsTools, ...inventoryTools, ...grafanaTools])('%s declared to Gemini', (name) => {
    const tool = createToolRegistry({ metrics, inventory, grafana, limits: defaultToolLimits }).find((tool) => tool.name === name)!;
    const declaration = functionDeclarationOf(tool);
    const schema = declaration.parametersJsonSchema as JsonSchema;

    it('has a snake_case name and a description', () => {
      expect(declaration.name).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(declaration.description.length).toBeGreaterThan(40);
    });

    it('takes an object whose every property is described, without keywords Gemini rejects', () => {
      expect(schema.type).toBe('object');
      expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
      expect(problemsOf(schema)).toEqual([]);
    });
  });
});
