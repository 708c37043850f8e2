import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// Lints snippets as if they stood at a path, so the layer rules of eslint.config.js are proven
// to fire (a misspelt glob would otherwise silently allow everything).
const eslint = new ESLint();
const messagesFor = async (filePath: string, code: string) =>
  (await eslint.lintText(code, { filePath }))[0]!.messages.filter((message) => message.ruleId?.startsWith('no-restricted')).map((message) => message.message);

describe('the one-way dependency rule', () => {
  it('stops routes from reaching into repositories or Kysely', async () => {
    const messages = await messagesFor(
      'services/control-plane/src/devices/devices.routes.ts',
      "import { listDevices } from './devices.repository';\nimport { sql } from 'kysely';\nexport const x = [listDevices, sql];\n",
    );
    expect(messages).toHaveLength(2);
    expect(messages[0]).toContain('Routes call a service');
  });

  it("stops a service from using another feature's repository or express", async () => {
    const messages = await messagesFor(
      'services/control-plane/src/devices/devices.service.ts',
      "import { appendAuditEntry } from '../audit/audit.repository';\nimport express from 'express';\nexport const x = [appendAuditEntry, express];\n",
    );
    expect(messages).toEqual([
      expect.stringContaining("never its repository"),
      expect.stringContaining('knows nothing of HTTP'),
    ]);
  });

  it('allows a service its own repository and another feature’s service', async () => {
    const messages = await messagesFor(
      'services/control-plane/src/devices/devices.service.ts',
      "import * as repository from './devices.repository';\nimport { recordAuditEvent } from '../audit/audit.service';\nexport const x = [repository, recordAuditEvent];\n",
    );
    expect(messages).toEqual([]);
  });

  it('keeps views out of services and process.env out of everything but config.ts', async () => {
    expect(
      await messagesFor('services/sre-assistant/src/tasks/tasks.service.ts', "import { Page } from './tasks.views';\nexport const x = Page;\n"),
    ).toHaveLength(1);
    expect(await messagesFor('services/control-plane/src/devices/device.ts', 'export const port = process.env.PORT;\n')).toEqual([
      expect.stringContaining('Only config.ts reads process.env'),
    ]);
    expect(await messagesFor('services/control-plane/src/config.ts', 'export const port = process.env.PORT;\n')).toEqual([]);
  });
});
