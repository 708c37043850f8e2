// Structural checks of the deployment artefacts. No Docker engine, Helm, Keycloak or Grafana runs
// here, so these tests read the files as those tools would and check what they would only
// discover at deploy time: names that must agree across files, secrets that must stay out of
// them, and the settings the platform relies on.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { configVariables as controlPlaneVariables, loadConfig as loadControlPlaneConfig } from '../services/control-plane/src/config';
import { configVariables as assistantVariables, loadConfig as loadAssistantConfig } from '../services/sre-assistant/src/config';

const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));
const readText = (relativePath: string) => readFileSync(path.join(repositoryRoot, relativePath), 'utf8');
const readYaml = <T>(relativePath: string) => parseYaml(readText(relativePath)) as T;
const readJson = <T>(relativePath: string) => JSON.parse(readText(relativePath)) as T;

// What the platform's processes read from their environment, taken from their code: the keys of
// each service's config schema, and what the migration CLI reads. A misspelt or stale name in a
// deployment file is silently ignored by the service, so it is caught here.
const controlPlaneReads = new Set(controlPlaneVariables);
const assistantReads = new Set(assistantVariables);
const migrationReads = new Set([...readText('packages/db/src/cli.ts').matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!));
/** The assistant's model, agent, diagnosis-queue and Grafana settings: operators must be able to set each. */
const assistantSettingPattern = /^(GEMINI|AGENT|DIAGNOSIS|GRAFANA)_/;
/** How long service-kit's serve() lets HTTP requests finish on SIGTERM before it runs the service's onClose. */
const httpDrainSeconds = 10;

type ConfigLoader = (environment: Record<string, string>) => unknown;

/** The variables of a working environment without which the loader refuses to start the service. */
function requiredVariables(load: ConfigLoader, environment: Record<string, string>): string[] {
  const refuses = (candidate: Record<string, string>) => {
    try {
      load(candidate);
      return false;
    } catch (error) {
      if (error instanceof Error && error.name === 'ConfigError') return true;
      throw error;
    }
  };
  return Object.keys(environment).filter((name) => refuses(Object.fromEntries(Object.entries(environment).filter(([other]) => other !== name))));
}

const secretNamePattern = /PASSWORD|SECRET|_TOKEN\b|API_KEY/;
/** A secret by its name, or the database URL, which carries the password. */
const isSecretVariable = (name: string) => secretNamePattern.test(name) || name === 'DATABASE_URL';
const webhookPath = '/api/v1/alerts/alertmanager';
const webhookTokenFile = '/run/secrets/alertmanager_webhook_token';

// --- Keycloak ------------------------------------------------------------------------------

interface ProtocolMapper { name: string; protocolMapper: string; config: Record<string, string> }
interface ClientScope { name: string; protocol: string; protocolMappers?: ProtocolMapper[] }
interface RealmRole { name: string; composite: boolean; composites?: { realm?: string[] } }
interface RealmClient {
  clientId: string;
  publicClient: boolean;
  secret: string;
  redirectUris: string[];
  standardFlowEnabled: boolean;
  implicitFlowEnabled: boolean;
  directAccessGrantsEnabled: boolean;
  serviceAccountsEnabled: boolean;
  fullScopeAllowed: boolean;
  attributes: Record<string, string>;
  defaultClientScopes: string[];
  optionalClientScopes: string[];
}
interface RealmExport {
  realm: string;
  enabled: boolean;
  roles: { realm: RealmRole[] };
  groups: { name: string; path: string; realmRoles: string[] }[];
  scopeMappings: { client: string; roles: string[] }[];
  clients: RealmClient[];
  clientScopes: ClientScope[];
  defaultDefaultClientScopes: string[];
  defaultOptionalClientScopes: string[];
  users?: unknown[];
}
interface PartialImport { ifResourceExists: string; users: { username: string; groups: string[]; credentials?: unknown[] }[] }

const realmText = readText('deploy/keycloak/realm-sre.json');
const realm = JSON.parse(realmText) as RealmExport;
const client = (clientId: string) => {
  const found = realm.clients.find((candidate) => candidate.clientId === clientId);
  if (!found) throw new Error(`realm has no client ${clientId}`);
  return found;
};
const clientScope = (name: string) => {
  const found = realm.clientScopes.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`realm has no client scope ${name}`);
  return found;
};
const mappersOfType = (scope: ClientScope, type: string) => (scope.protocolMappers ?? []).filter((mapper) => mapper.protocolMapper === type);

describe('Keycloak realm sre', () => {
  it('is the realm the services are configured for', () => {
    expect(realm.realm).toBe('sre');
    expect(realm.enabled).toBe(true);
  });

  it('has the platform roles, each including the one below it', () => {
    const roles = Object.fromEntries(realm.roles.realm.map((role) => [role.name, role]));
    expect(Object.keys(roles).sort()).toEqual(['admin', 'operator', 'viewer']);
    expect(roles.viewer?.composite).toBe(false);
    expect(roles.operator?.composites?.realm).toEqual(['viewer']);
    expect(roles.admin?.composites?.realm).toEqual(['operator']);
  });

  it('lets users of control-plane log in with the code flow and PKCE S256 only', () => {
    const controlPlane = client('control-plane');
    expect(controlPlane.publicClient).toBe(false);
    expect(controlPlane.standardFlowEnabled).toBe(true);
    expect(controlPlane.implicitFlowEnabled).toBe(false);
    expect(controlPlane.directAccessGrantsEnabled).toBe(false);
    expect(controlPlane.attributes['pkce.code.challenge.method']).toBe('S256');
    expect(controlPlane.redirectUris).toEqual(['${CONTROL_PLANE_PUBLIC_URL}/auth/callback']);
    expect(controlPlane.attributes['post.logout.redirect.uris']).toBe('${CONTROL_PLANE_PUBLIC_URL}/');
  });

  it('gives control-plane a service account that may ask for the assistant scopes', () => {
    const controlPlane = client('control-plane');
    expect(controlPlane.serviceAccountsEnabled).toBe(true);
    expect(controlPlane.optionalClientScopes).toEqual(expect.arrayContaining(['assistant.diagnose', 'assistant.execute', 'assistant.read']));
    // Optional, not default: a user's login token must not be usable against the assistant.
    expect(controlPlane.defaultClientScopes.filter((scope) => scope.startsWith('assistant.'))).toEqual([]);
  });

  it('makes sre-assistant a service account only, with the control plane read scope', () => {
    const assistant = client('sre-assistant');
    expect(assistant.publicClient).toBe(false);
    expect(assistant.serviceAccountsEnabled).toBe(true);
    expect(assistant.standardFlowEnabled).toBe(false);
    expect(assistant.implicitFlowEnabled).toBe(false);
    expect(assistant.directAccessGrantsEnabled).toBe(false);
    expect(assistant.redirectUris).toEqual([]);
    expect(assistant.defaultClientScopes).toContain('controlplane.read');
  });

  it('adds exactly the right audience with each API scope', () => {
    const expectedAudiences = {
      'assistant.diagnose': 'urn:sre-platform:sre-assistant',
      'assistant.execute': 'urn:sre-platform:sre-assistant',
      'assistant.read': 'urn:sre-platform:sre-assistant',
      'controlplane.read': 'urn:sre-platform:control-plane',
    };
    for (const [scopeName, audience] of Object.entries(expectedAudiences)) {
      const mappers = mappersOfType(clientScope(scopeName), 'oidc-audience-mapper');
      expect(mappers, scopeName).toHaveLength(1);
      expect(mappers[0]?.config['included.custom.audience'], scopeName).toBe(audience);
      expect(mappers[0]?.config['access.token.claim'], scopeName).toBe('true');
    }
  });

  it('puts realm roles in a flat, multivalued roles claim of ID, access and userinfo tokens', () => {
    const flat = mappersOfType(clientScope('roles'), 'oidc-usermodel-realm-role-mapper').find((mapper) => mapper.config['claim.name'] === 'roles');
    expect(flat?.config).toMatchObject({
      multivalued: 'true',
      'id.token.claim': 'true',
      'access.token.claim': 'true',
      'userinfo.token.claim': 'true',
    });
    expect(client('control-plane').defaultClientScopes).toContain('roles');
  });

  it('lets the platform roles into control-plane tokens although fullScopeAllowed is off', () => {
    expect(client('control-plane').fullScopeAllowed).toBe(false);
    const mapped = realm.scopeMappings.find((mapping) => mapping.client === 'control-plane');
    expect(mapped?.roles.sort()).toEqual(['admin', 'operator', 'viewer']);
  });

  it('issues access tokens with a sub claim, which the token verifier requires', () => {
    // A realm import that lists client scopes gets none of Keycloak's built-in ones, `basic` included.
    expect(mappersOfType(clientScope('basic'), 'oidc-sub-mapper')).toHaveLength(1);
    for (const clientId of ['control-plane', 'sre-assistant']) expect(client(clientId).defaultClientScopes, clientId).toContain('basic');
  });

  it('defines every client scope that a client or the realm defaults refer to', () => {
    // Keycloak only logs a warning for an unknown scope name and imports the realm without it.
    const defined = new Set(realm.clientScopes.map((scope) => scope.name));
    const referenced = [
      ...realm.defaultDefaultClientScopes,
      ...realm.defaultOptionalClientScopes,
      ...realm.clients.flatMap((candidate) => [...candidate.defaultClientScopes, ...candidate.optionalClientScopes]),
    ];
    expect(referenced.filter((name) => !defined.has(name))).toEqual([]);
  });

  it('keeps secrets out of the file: client secrets are placeholders the import resolves', () => {
    for (const candidate of realm.clients) expect(candidate.secret, candidate.clientId).toMatch(/^\$\{[A-Z][A-Z0-9_]*\}$/);
    expect(realm.users).toBeUndefined();
    const placeholders = new Set([...realmText.matchAll(/\$\{([A-Za-z0-9_.:-]+)\}/g)].map((match) => match[1]));
    expect([...placeholders].sort()).toEqual(['CONTROL_PLANE_CLIENT_SECRET', 'CONTROL_PLANE_PUBLIC_URL', 'SRE_ASSISTANT_CLIENT_SECRET']);
  });

  it('keeps demo users apart, in groups the realm defines, without passwords', () => {
    const demo = readJson<PartialImport>('deploy/keycloak/demo-users.json');
    const groupPaths = new Set(realm.groups.map((group) => group.path));
    expect(demo.users.map((user) => user.username).sort()).toEqual(['demo-admin', 'demo-operator', 'demo-viewer']);
    for (const user of demo.users) {
      expect(user.groups.filter((group) => !groupPaths.has(group)), user.username).toEqual([]);
      expect(user.credentials, user.username).toBeUndefined();
    }
  });
});

// --- docker-compose ------------------------------------------------------------------------

interface ComposeService {
  image?: string;
  build?: { context: string; target: string };
  command?: string[];
  restart?: string;
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  secrets?: ({ source: string; target?: string } | string)[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  stop_grace_period?: string;
}
interface ComposeFile { services: Record<string, ComposeService>; secrets: Record<string, { environment?: string; file?: string }> }

const composeText = readText('docker-compose.yml');
const compose = parseYaml(composeText) as ComposeFile;
const composeServices = Object.entries(compose.services);
const composeService = (name: string) => {
  const found = compose.services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
/** One-shot jobs exit when done: a healthcheck would never report on them. */
const oneShotServices = new Set(['migrate']);
const requiredReference = /^\$\{[A-Z][A-Z0-9_]*:\?[^}]+\}$/;
/** An optional variable of .env that is left unset (empty) unless the operator sets it. */
const optionalReference = /^\$\{[A-Z][A-Z0-9_]*:-\}$/;

/** The assignments of compose.env.example: those an operator fills in, and the commented-out optional ones. */
const exampleAssignments = readText('deploy/compose.env.example')
  .split('\n')
  .flatMap((line) => {
    const match = line.replace(/^#\s*/, '').match(/^([A-Z][A-Z0-9_]*)=(.*)$/);
    return match ? [{ name: match[1]!, value: match[2]!, commented: line.startsWith('#') }] : [];
  });
/** What an operator puts in each empty value, as the example suggests: `openssl rand -hex 32`. */
const sampleValue = '0123456789abcdef'.repeat(4);

/**
 * The .env an operator writes from compose.env.example: its uncommented variables, with each empty
 * one given a value if compose requires it (`required`) or in any case (`all`).
 */
function exampleDotEnv(fill: 'required' | 'all'): Map<string, string> {
  const requiredByCompose = new Set([...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*):\?/g)].map((match) => match[1]!));
  return new Map(
    exampleAssignments
      .filter(({ commented }) => !commented)
      .map(({ name, value }) => [name, value === '' && (fill === 'all' || requiredByCompose.has(name)) ? sampleValue : value]),
  );
}

/** Compose's interpolation of $$, ${NAME}, ${NAME-default}, ${NAME?error}, ${NAME+replacement} and their `:` forms. */
function interpolate(text: string, dotEnv: ReadonlyMap<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])([^}]*))?\}/g, (match, name?: string, colon?: string, operator?: string, argument = '') => {
    if (match === '$$') return '$';
    const value = dotEnv.get(name!);
    if (!operator) return value ?? '';
    const missing = value === undefined || (colon === ':' && value === '');
    if (operator === '+') return missing ? '' : argument;
    if (!missing) return value;
    if (operator === '-') return argument;
    throw new Error(`docker compose refuses to start: ${name} ${argument}`);
  });
}

/** The environment compose gives a service's container, from the given .env. */
function composeEnvironment(serviceName: string, dotEnv: ReadonlyMap<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(composeService(serviceName).environment ?? {}).map(([name, value]) => [name, interpolate(String(value), dotEnv)]));
}

/** A compose duration (`90s`, `1m30s`, `1h`) in seconds. */
function durationSeconds(duration: string): number {
  const match = duration.match(/^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/);
  if (!match || duration === '') throw new Error(`not a compose duration: ${duration}`);
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

describe('docker-compose.yml', () => {
  it('publishes ports on 127.0.0.1 only, for the reverse proxy in front', () => {
    const published = composeServices.flatMap(([name, service]) => (service.ports ?? []).map((port) => `${name} ${port}`));
    expect(published.length).toBeGreaterThan(0);
    expect(published.filter((entry) => !entry.split(' ')[1]?.startsWith('127.0.0.1:'))).toEqual([]);
  });

  it('gives every long-running service a healthcheck', () => {
    const missing = composeServices.filter(([name, service]) => !oneShotServices.has(name) && !service.healthcheck).map(([name]) => name);
    expect(missing).toEqual([]);
    for (const name of oneShotServices) expect(composeService(name).restart).toBe('no');
  });

  it('waits only on conditions the dependencies can report', () => {
    for (const [name, service] of composeServices) {
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        const target = composeService(dependency);
        if (condition === 'service_healthy') expect(target.healthcheck, `${name} → ${dependency}`).toBeDefined();
        if (condition === 'service_completed_successfully') expect(oneShotServices.has(dependency), `${name} → ${dependency}`).toBe(true);
      }
    }
  });

  it('sets only variables the platform services read', () => {
    const reads = { 'control-plane': controlPlaneReads, 'sre-assistant': assistantReads, migrate: migrationReads };
    for (const [name, variables] of Object.entries(reads)) {
      const names = Object.keys(composeService(name).environment ?? {});
      expect(names.length, name).toBeGreaterThan(0);
      expect(names.filter((variable) => !variables.has(variable)), name).toEqual([]);
    }
  });

  it('gives the services a production configuration they accept from the least .env compose allows', () => {
    const dotEnv = exampleDotEnv('required');
    const controlPlane = loadControlPlaneConfig(composeEnvironment('control-plane', dotEnv));
    expect(controlPlane).toMatchObject({
      environment: 'production',
      publicUrl: dotEnv.get('CONTROL_PLANE_PUBLIC_URL'),
      oidc: { issuer: `${dotEnv.get('KEYCLOAK_PUBLIC_URL')}/realms/sre`, clientId: 'control-plane', clientSecret: sampleValue },
      assistant: { url: 'http://sre-assistant:8081' },
      alertmanagerWebhookToken: sampleValue,
      victoriaMetrics: { url: 'http://victoriametrics:8428' },
      grafana: { url: dotEnv.get('GRAFANA_PUBLIC_URL') },
    });
    const assistant = loadAssistantConfig(composeEnvironment('sre-assistant', dotEnv));
    expect(assistant).toMatchObject({
      production: true,
      oidc: { issuerUrl: `${dotEnv.get('KEYCLOAK_PUBLIC_URL')}/realms/sre` },
      client: { id: 'sre-assistant', secret: sampleValue },
      controlPlane: { url: 'http://control-plane:8080' },
      victoriaMetricsUrl: 'http://victoriametrics:8428',
    });
    // GEMINI_API_KEY is optional: without it the assistant runs without its agent. So is the
    // Grafana token, and without it the Grafana tools are off rather than calling Grafana anonymously.
    expect(assistant.model).toBeUndefined();
    expect(assistant.grafana).toBeUndefined();
  });

  it('hands the assistant the Gemini API key, the Grafana token and the settings given in .env', () => {
    const dotEnv = new Map([...exampleDotEnv('all'), ['GEMINI_MODEL', 'gemini-2.5-pro'], ['AGENT_MAX_STEPS', '12'], ['DIAGNOSIS_TIMEOUT_SECONDS', '120']]);
    const assistant = loadAssistantConfig(composeEnvironment('sre-assistant', dotEnv));
    expect(assistant.model).toMatchObject({ name: 'gemini-2.5-pro', apiKey: sampleValue });
    expect(assistant.grafana).toEqual({ url: 'http://grafana:3000', token: sampleValue });
    expect(assistant.agent.maxSteps).toBe(12);
    expect(assistant.diagnosis.timeoutSeconds).toBe(120);
  });

  it('passes the assistant every model, agent, diagnosis and Grafana setting it reads', () => {
    const settings = assistantVariables.filter((name) => assistantSettingPattern.test(name));
    expect(settings.length).toBeGreaterThan(10);
    const environment = composeService('sre-assistant').environment ?? {};
    expect(settings.filter((name) => !(name in environment))).toEqual([]);
  });

  it("shows the assistant's defaults in compose.env.example as the assistant has them", () => {
    const environment = composeEnvironment('sre-assistant', exampleDotEnv('all'));
    const shown = exampleAssignments.filter(({ name, value, commented }) => commented && value !== '' && assistantReads.has(name));
    expect(shown.length).toBeGreaterThan(5);
    for (const { name, value } of shown) expect(loadAssistantConfig({ ...environment, [name]: value }), name).toEqual(loadAssistantConfig(environment));
  });

  it('gives the assistant longer to stop than the diagnoses in hand may take', () => {
    const dotEnv = exampleDotEnv('required');
    const timeoutSeconds = loadAssistantConfig(composeEnvironment('sre-assistant', dotEnv)).diagnosis.timeoutSeconds;
    const graceSeconds = durationSeconds(interpolate(composeService('sre-assistant').stop_grace_period ?? '', dotEnv));
    expect(graceSeconds).toBeGreaterThan(timeoutSeconds + httpDrainSeconds);
  });

  it('never inlines a secret: only ${VAR} references to .env, required or empty by default', () => {
    for (const [name, service] of composeServices) {
      for (const [variable, value] of Object.entries(service.environment ?? {})) {
        if (secretNamePattern.test(variable)) expect([requiredReference, optionalReference].some((pattern) => pattern.test(value)), `${name} ${variable}: ${value}`).toBe(true);
        if (variable === 'DATABASE_URL') expect(value, name).toMatch(/^postgres:\/\/\w+:\$\{[A-Z_]+:\?[^}]+\}@[\w-]+:5432\/\w+$/);
        // No other value may carry credentials in a URL.
        expect(String(value).replace(/\$\{[^}]+\}/g, ''), `${name} ${variable}`).not.toMatch(/:\/\/[^/\s:@]+:[^/\s@]+@/);
      }
    }
  });

  it('documents every variable it interpolates in deploy/compose.env.example, without values for secrets', () => {
    const documented = new Map(exampleAssignments.map(({ name, value }) => [name, value]));
    const interpolated = new Set([...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((match) => match[1]!));
    for (const secret of Object.values(compose.secrets)) if (secret.environment) interpolated.add(secret.environment);
    expect([...interpolated].filter((variable) => !documented.has(variable))).toEqual([]);
    const filledSecrets = [...documented].filter(([variable, value]) => secretNamePattern.test(variable) && value !== '');
    expect(filledSecrets).toEqual([]);
  });

  it('runs Keycloak in production mode and imports the sre realm file alone', () => {
    const keycloak = composeService('keycloak');
    expect(keycloak.command).toEqual(['start', '--import-realm']);
    const realmMounts = (keycloak.volumes ?? []).filter((volume) => volume.includes('/opt/keycloak/data/import'));
    // Every .json in the import directory is imported as a realm: demo-users.json must stay out.
    expect(realmMounts).toEqual(['./deploy/keycloak/realm-sre.json:/opt/keycloak/data/import/realm-sre.json:ro']);
    const placeholders = [...realmText.matchAll(/\$\{([A-Z][A-Z0-9_]*)\}/g)].map((match) => match[1]!);
    for (const placeholder of placeholders) expect(keycloak.environment?.[placeholder], placeholder).toMatch(requiredReference);
  });

  it('mounts only files and folders that exist in the repository', () => {
    const sources = composeServices.flatMap(([, service]) => service.volumes ?? []).map((volume) => volume.split(':')[0]!).filter((source) => source.startsWith('./'));
    expect(sources.length).toBeGreaterThan(0);
    expect(sources.filter((source) => !existsSync(path.join(repositoryRoot, source)))).toEqual([]);
  });

  it('hands Alertmanager the webhook token as a secret file at the path its config reads', () => {
    const alertmanager = composeService('alertmanager');
    const mounted = (alertmanager.secrets ?? []).map((secret) => (typeof secret === 'string' ? secret : secret.source));
    expect(mounted).toEqual(['alertmanager_webhook_token']);
    expect(compose.secrets.alertmanager_webhook_token?.environment).toBe('ALERTMANAGER_WEBHOOK_TOKEN');
    expect(composeService('control-plane').environment?.ALERTMANAGER_WEBHOOK_TOKEN).toMatch(/^\$\{ALERTMANAGER_WEBHOOK_TOKEN:\?/);
  });

  it('builds the platform services from Dockerfile targets that exist', () => {
    const stages = dockerfileStages();
    for (const name of ['control-plane', 'sre-assistant', 'migrate']) {
      const target = composeService(name).build?.target ?? '';
      expect(stages.map((stage) => stage.name), name).toContain(target);
    }
  });
});

// --- Dockerfile ----------------------------------------------------------------------------

interface DockerStage { name: string; from: string; instructions: string[] }

function dockerfileStages(): DockerStage[] {
  const lines = readText('Dockerfile').replace(/\\\n/g, ' ').split('\n').map((line) => line.trim()).filter((line) => line && !line.startsWith('#'));
  const stages: DockerStage[] = [];
  for (const line of lines) {
    const from = line.match(/^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i);
    if (from) stages.push({ from: from[1]!, name: from[2] ?? String(stages.length), instructions: [] });
    else stages.at(-1)?.instructions.push(line);
  }
  return stages;
}

/** Every workspace folder holding a package.json, expanded from the root package.json globs. */
function workspaceFolders(): string[] {
  const { workspaces } = readJson<{ workspaces: string[] }>('package.json');
  return workspaces.flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [pattern];
    const parent = pattern.slice(0, -2);
    return readdirSync(path.join(repositoryRoot, parent), { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => `${parent}/${entry.name}`);
  }).filter((folder) => existsSync(path.join(repositoryRoot, folder, 'package.json')));
}

describe('Dockerfile', () => {
  const stages = dockerfileStages();
  const stage = (name: string) => {
    const found = stages.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`Dockerfile has no stage ${name}`);
    return found;
  };

  it('starts from node:24-slim', () => {
    expect(readText('Dockerfile')).toMatch(/^ARG NODE_IMAGE=node:24-slim$/m);
    expect(stages[0]?.from).toBe('${NODE_IMAGE}');
  });

  it('copies the manifest of every workspace before installing, so npm ci sees the whole tree', () => {
    const copied = stage('manifests').instructions.filter((line) => line.startsWith('COPY')).join('\n');
    for (const folder of workspaceFolders()) expect(copied, folder).toContain(`COPY ${folder}/package.json ${folder}/`);
  });

  it('installs production dependencies only into the runtime image, and runs it as node', () => {
    expect(stage('production-dependencies').instructions.join('\n')).toMatch(/npm ci --omit=dev/);
    const runtime = stage('runtime');
    expect(runtime.from).toBe('base');
    expect(runtime.instructions).toContain('USER node');
    expect(runtime.instructions.join('\n')).toMatch(/COPY --from=production-dependencies /);
  });

  it('has tsx among the production dependencies, since the services start with node --import tsx', () => {
    const { dependencies = {} } = readJson<{ dependencies?: Record<string, string> }>('package.json');
    expect(Object.keys(dependencies)).toContain('tsx');
  });

  it('offers one target per service whose command starts an existing entry point', () => {
    for (const [name, entryPoint] of [['control-plane', 'services/control-plane/src/main.ts'], ['sre-assistant', 'services/sre-assistant/src/main.ts']] as const) {
      const target = stage(name);
      expect(target.from, name).toBe('runtime');
      expect(target.instructions, name).toContain(`CMD ["node", "--import", "tsx", "${entryPoint}"]`);
      expect(existsSync(path.join(repositoryRoot, entryPoint)), entryPoint).toBe(true);
    }
  });

  it('bakes no secret into the image', () => {
    const environment = stages.flatMap((candidate) => candidate.instructions).filter((line) => /^(ENV|ARG)\s/.test(line)).join('\n');
    expect(environment).not.toMatch(secretNamePattern);
    const ignored = readText('.dockerignore').split('\n');
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '.git', '.env', '.env.*', '.data']));
  });
});

// --- Helm chart ----------------------------------------------------------------------------

const chartFolder = 'deploy/helm/sre-platform';
const templateFiles = readdirSync(path.join(repositoryRoot, chartFolder, 'templates'));
const templates = Object.fromEntries(templateFiles.map((file) => [file, readText(`${chartFolder}/templates/${file}`)]));
const values = readYaml<Record<string, unknown>>(`${chartFolder}/values.yaml`);

function hasValuePath(root: Record<string, unknown>, keys: string[]): boolean {
  let node: unknown = root;
  for (const key of keys) {
    if (typeof node !== 'object' || node === null || !(key in node)) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

/**
 * The `.Values` paths a template reads. `$values` stands for each component's values that the
 * template assigns to it (`$values := .Values.sreAssistant`, or a range over a dict of them).
 */
function valuePaths(text: string): string[] {
  const assignment = text.split('\n').find((line) => line.includes('$values :='));
  const components = [...(assignment ?? '').matchAll(/\.Values\.([A-Za-z_][A-Za-z0-9_]*)/g)].map((match) => match[1]!);
  const direct = [...text.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].map((match) => match[1]!.slice(1));
  const throughComponent = [...text.matchAll(/\$values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)].flatMap((match) => {
    if (components.length === 0) throw new Error(`$values${match[1]} is read, but $values is never assigned`);
    return components.map((component) => `${component}${match[1]}`);
  });
  return [...direct, ...throughComponent];
}

interface TemplateVariable {
  name: string;
  /** `value`: a plain value; `secret`: from an existing Secret; `optional`: a plain value left out when empty. */
  source: 'value' | 'secret' | 'optional';
  /** Whether the rendered Deployment may lack it: inside an if/with/range block, optional, or from an optional Secret. */
  conditional: boolean;
}

/** The environment variables a template sets. npm's own lowercase npm_config_* are not the services' and are left out. */
function templateVariables(text: string): TemplateVariable[] {
  // One action per line, so that a dict written over several lines is read whole.
  const lines = text.replace(/\{\{[\s\S]*?\}\}/g, (action) => action.replace(/\s*\n\s*/g, ' ')).split('\n');
  const found: TemplateVariable[] = [];
  let depth = 0;
  for (const line of lines) {
    const plain = line.match(/^\s*- name: ([A-Z][A-Z0-9_]*)\s*$/);
    if (plain) found.push({ name: plain[1]!, source: 'value', conditional: depth > 0 });
    const secret = line.match(/include "sre-platform\.secretEnv" \(dict "name" "([A-Z][A-Z0-9_]*)"(.*)$/);
    if (secret) found.push({ name: secret[1]!, source: 'secret', conditional: depth > 0 || /"optional" true/.test(secret[2]!) });
    const optional = line.match(/include "sre-platform\.optionalEnv" \(dict ([^)]*)\)/)?.[1] ?? '';
    for (const [, name] of optional.matchAll(/"([A-Z][A-Z0-9_]*)" /g)) found.push({ name: name!, source: 'optional', conditional: true });
    depth += (line.match(/\{\{-?\s*(if|with|range)\b/g) ?? []).length - (line.match(/\{\{-?\s*end\b/g) ?? []).length;
  }
  return found;
}

const deployments = [
  { file: 'control-plane-deployment.yaml', service: 'control-plane', reads: controlPlaneReads, load: loadControlPlaneConfig as ConfigLoader },
  { file: 'sre-assistant-deployment.yaml', service: 'sre-assistant', reads: assistantReads, load: loadAssistantConfig as ConfigLoader },
] as const;

describe('Helm chart sre-platform', () => {
  it('is a v2 chart with a semantic version', () => {
    const chart = readYaml<{ apiVersion: string; name: string; version: string; appVersion: string }>(`${chartFolder}/Chart.yaml`);
    expect(chart).toMatchObject({ apiVersion: 'v2', name: 'sre-platform' });
    expect(chart.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(chart.appVersion).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('defaults to two replicas each, no Ingress and no ServiceMonitor', () => {
    expect((values.controlPlane as { replicaCount: number }).replicaCount).toBe(2);
    expect((values.sreAssistant as { replicaCount: number }).replicaCount).toBe(2);
    expect((values.ingress as { enabled: boolean }).enabled).toBe(false);
    expect((values.metrics as { serviceMonitor: { enabled: boolean } }).serviceMonitor.enabled).toBe(false);
  });

  it('runs as a non-root user on a read-only root filesystem by default', () => {
    expect(values.podSecurityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(values.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false });
  });

  it('defines every .Values path the templates use, directly or through $values', () => {
    // Helm renders a missing value as empty, and the optional settings are then silently left out.
    const referenced = new Set(Object.values(templates).flatMap(valuePaths));
    expect(referenced.size).toBeGreaterThan(20);
    expect(referenced).toContain('sreAssistant.gemini.model');
    expect([...referenced].filter((reference) => !hasValuePath(values, reference.split('.')))).toEqual([]);
  });

  it('includes only templates that _helpers.tpl defines', () => {
    const defined = new Set([...(templates['_helpers.tpl'] ?? '').matchAll(/\{\{-?\s*define "([^"]+)"/g)].map((match) => match[1]));
    const included = new Set(Object.values(templates).flatMap((text) => [...text.matchAll(/\binclude "([^"]+)"/g)].map((match) => match[1])));
    expect(included.size).toBeGreaterThan(5);
    expect([...included].filter((name) => !defined.has(name))).toEqual([]);
  });

  it('closes every template block it opens', () => {
    for (const [file, text] of Object.entries(templates)) {
      const actions = [...text.matchAll(/\{\{-?\s*(if|with|range|define|block|end)\b/g)].map((match) => match[1]);
      const opened = actions.filter((action) => action !== 'end').length;
      expect(actions.filter((action) => action === 'end').length, file).toBe(opened);
    }
  });

  it('reads every secret from an existing Secret, never from a value', () => {
    const secrets = values.secrets as Record<string, { existingSecret: string; key: string }>;
    for (const [name, secret] of Object.entries(secrets)) expect(secret.existingSecret, name).toMatch(/^[a-z0-9-]+$/);
    for (const [file, text] of Object.entries(templates)) {
      const secretVariables = templateVariables(text).filter(({ name }) => isSecretVariable(name));
      expect(secretVariables.filter(({ source }) => source !== 'secret'), file).toEqual([]);
    }
    const used = new Set([...Object.values(templates).join('\n').matchAll(/"secret" \.Values\.secrets\.([A-Za-z]+)/g)].map((match) => match[1]));
    expect(used).toEqual(new Set(Object.keys(secrets)));
  });

  it('sets only the environment variables the services read', () => {
    const reads = [...deployments.map(({ file, reads }) => [file, reads] as const), ['migration-job.yaml', migrationReads] as const];
    for (const [file, variables] of reads) {
      const names = templateVariables(templates[file] ?? '').map(({ name }) => name);
      expect(names.length, file).toBeGreaterThan(0);
      expect(names.filter((name) => !variables.has(name)), file).toEqual([]);
    }
  });

  it('always sets what each service requires to start, in production mode', () => {
    for (const { file, service, load } of deployments) {
      const text = templates[file] ?? '';
      const required = requiredVariables(load, composeEnvironment(service, exampleDotEnv('all')));
      expect(required, file).toContain('DATABASE_URL');
      const alwaysSet = new Set(templateVariables(text).filter(({ conditional }) => !conditional).map(({ name }) => name));
      expect(required.filter((name) => !alwaysSet.has(name)), file).toEqual([]);
      expect(text, file).toMatch(/- name: NODE_ENV\n\s*value: production\n/);
    }
  });

  it('lets values set every model, agent, diagnosis and Grafana setting of the assistant', () => {
    const names = new Set(templateVariables(templates['sre-assistant-deployment.yaml'] ?? '').map(({ name }) => name));
    const settings = assistantVariables.filter((name) => assistantSettingPattern.test(name));
    expect(settings.length).toBeGreaterThan(10);
    expect(settings.filter((name) => !names.has(name))).toEqual([]);
  });

  it('gives the assistant pods longer to stop than the diagnoses in hand may take, whatever their deadline', () => {
    const text = templates['sre-assistant-deployment.yaml'] ?? '';
    const margin = text.match(/terminationGracePeriodSeconds: \{\{ add \(required "[^"]+" \$values\.diagnosis\.timeoutSeconds\) (\d+) \}\}/)?.[1];
    expect(Number(margin)).toBeGreaterThan(httpDrainSeconds);
    expect(text).toMatch(/- name: DIAGNOSIS_TIMEOUT_SECONDS\n\s*value: \{\{ \$values\.diagnosis\.timeoutSeconds \| int64 \| quote \}\}\n/);
    // The chart's default is a deadline the assistant accepts as it is.
    const { timeoutSeconds } = (values.sreAssistant as { diagnosis: { timeoutSeconds: number } }).diagnosis;
    const environment = { ...composeEnvironment('sre-assistant', exampleDotEnv('required')), DIAGNOSIS_TIMEOUT_SECONDS: String(timeoutSeconds) };
    expect(loadAssistantConfig(environment).diagnosis.timeoutSeconds).toBe(timeoutSeconds);
  });

  it('probes liveness on /healthz and readiness on /readyz, and starts existing entry points', () => {
    for (const [file, service] of [['control-plane-deployment.yaml', 'control-plane'], ['sre-assistant-deployment.yaml', 'sre-assistant']] as const) {
      const text = templates[file] ?? '';
      expect(text, file).toMatch(/livenessProbe:\s*\n\s*httpGet:\s*\n\s*path: \/healthz/);
      expect(text, file).toMatch(/readinessProbe:\s*\n\s*httpGet:\s*\n\s*path: \/readyz/);
      expect(text, file).toContain(`command: ["node", "--import", "tsx", "services/${service}/src/main.ts"]`);
      expect(text, file).toMatch(/mountPath: \/tmp/);
    }
  });

  it('migrates the database in a pre-install and pre-upgrade hook', () => {
    const job = templates['migration-job.yaml'] ?? '';
    expect(job).toMatch(/helm\.sh\/hook: pre-install,pre-upgrade/);
    expect(job).toContain('command: ["npm", "run", "db:migrate"]');
    expect(readJson<{ scripts: Record<string, string> }>('package.json').scripts['db:migrate']).toBeDefined();
  });
});

// --- VictoriaMetrics, vmalert and Alertmanager ---------------------------------------------

interface AlertRule { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface RuleFile { groups: { name: string; rules: AlertRule[] }[] }
interface Route { receiver?: string; routes?: Route[] }
interface AlertmanagerConfig {
  route: Route;
  receivers: { name: string; webhook_configs?: { url: string; send_resolved?: boolean; http_config?: { authorization?: { type?: string; credentials_file?: string } } }[] }[];
  inhibit_rules?: { source_matchers: string[]; target_matchers: string[] }[];
}

const alertRules = readYaml<RuleFile>('deploy/victoriametrics/rules/platform.rules.yml').groups.flatMap((group) => group.rules);
const alertmanager = readYaml<AlertmanagerConfig>('deploy/victoriametrics/alertmanager.yml');

describe('alerting rules', () => {
  it('include the host alerts', () => {
    expect(alertRules.map((rule) => rule.alert)).toEqual(expect.arrayContaining(['InstanceDown', 'HostHighCpu', 'HostMemoryPressure']));
  });

  it('carry a severity, a summary, a description and a pending period', () => {
    for (const rule of alertRules) {
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
    }
  });

  it('keep the instance and service labels through every aggregation', () => {
    for (const rule of alertRules) {
      for (const [, kind, labelList] of rule.expr.matchAll(/\b(by|without)\s*\(([^)]*)\)/g)) {
        const labels = labelList!.split(',').map((label) => label.trim());
        if (kind === 'by') expect(labels, rule.alert).toEqual(expect.arrayContaining(['instance', 'service']));
        else expect(labels.filter((label) => label === 'instance' || label === 'service'), rule.alert).toEqual([]);
      }
    }
  });
});

describe('Alertmanager configuration', () => {
  const receiverNames = new Set(alertmanager.receivers.map((receiver) => receiver.name));
  const routedTo = (route: Route): string[] => [...(route.receiver ? [route.receiver] : []), ...(route.routes ?? []).flatMap(routedTo)];

  it('routes only to receivers it defines', () => {
    expect(alertmanager.route.receiver).toBeDefined();
    expect(routedTo(alertmanager.route).filter((name) => !receiverNames.has(name))).toEqual([]);
  });

  it('posts firing and resolved alerts to the control plane webhook with the bearer token file', () => {
    const webhooks = alertmanager.receivers.find((receiver) => receiver.name === alertmanager.route.receiver)?.webhook_configs ?? [];
    expect(webhooks).toHaveLength(1);
    const [webhook] = webhooks;
    const url = new URL(webhook!.url);
    expect(url.pathname).toBe(webhookPath);
    expect(`${url.hostname}:${url.port}`).toBe('control-plane:8080');
    expect(webhook!.send_resolved).toBe(true);
    expect(webhook!.http_config?.authorization).toEqual({ type: 'Bearer', credentials_file: webhookTokenFile });
  });

  it('inhibits only alerts that the rules define', () => {
    const alertNames = alertRules.map((rule) => rule.alert);
    const matchers = (alertmanager.inhibit_rules ?? []).flatMap((rule) => [...rule.source_matchers, ...rule.target_matchers]);
    const named = matchers.flatMap((matcher) => matcher.match(/^alertname\s*=~?\s*"?([^"]+)"?$/)?.[1]?.split('|') ?? []);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((name) => !alertNames.includes(name))).toEqual([]);
  });

  it('is wired in compose to vmalert, which reads the rules folder', () => {
    const vmalert = composeService('vmalert');
    expect(vmalert.command).toEqual(expect.arrayContaining(['-rule=/etc/vmalert/rules/*.yml', '-notifier.url=http://alertmanager:9093']));
    expect(vmalert.volumes).toContain('./deploy/victoriametrics/rules:/etc/vmalert/rules:ro');
  });

  it('scrapes only targets that compose runs', () => {
    const scrape = readYaml<{ scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }>('deploy/victoriametrics/scrape.yml');
    const hosts = scrape.scrape_configs.flatMap((job) => job.static_configs.flatMap((config) => config.targets)).map((target) => target.split(':')[0]!);
    expect(hosts.filter((host) => !(host in compose.services))).toEqual([]);
  });
});

// --- Grafana -------------------------------------------------------------------------------

interface DashboardPanel { id: number; datasource?: { type: string; uid: string }; targets?: { expr: string; datasource?: { uid: string } }[] }
interface Dashboard { uid: string; templating: { list: { name: string; datasource: { uid: string } }[] }; panels: DashboardPanel[] }

describe('Grafana provisioning', () => {
  const datasources = readYaml<{ datasources: { uid: string; type: string; url: string }[] }>('deploy/grafana/provisioning/datasources/victoriametrics.yml').datasources;
  const dashboard = readJson<Dashboard>('deploy/grafana/dashboards/host-overview.json');

  it('provisions VictoriaMetrics as a Prometheus data source at VM_URL', () => {
    expect(datasources).toEqual([expect.objectContaining({ uid: 'victoriametrics', type: 'prometheus', url: '${VM_URL}' })]);
    expect(composeService('grafana').environment?.VM_URL).toBe('http://victoriametrics:8428');
  });

  it('loads dashboards from the folder compose mounts', () => {
    const providers = readYaml<{ providers: { options: { path: string } }[] }>('deploy/grafana/provisioning/dashboards/sre-platform.yml').providers;
    const mountTarget = (composeService('grafana').volumes ?? []).find((volume) => volume.startsWith('./deploy/grafana/dashboards:'))?.split(':')[1];
    expect(providers.map((provider) => provider.options.path)).toEqual([mountTarget]);
  });

  it('has the host overview with an instance variable that every query uses', () => {
    expect(dashboard.uid).toBe('sre-host-overview');
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['instance']);
    const targets = dashboard.panels.flatMap((panel) => panel.targets ?? []);
    expect(targets.length).toBeGreaterThan(5);
    expect(targets.filter((target) => !target.expr.includes('instance="$instance"')).map((target) => target.expr)).toEqual([]);
  });

  it('queries only the provisioned data source and numbers panels uniquely', () => {
    const uids = new Set([
      ...dashboard.templating.list.map((variable) => variable.datasource.uid),
      ...dashboard.panels.flatMap((panel) => [panel.datasource?.uid, ...(panel.targets ?? []).map((target) => target.datasource?.uid)]),
    ]);
    expect([...uids]).toEqual(['victoriametrics']);
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
