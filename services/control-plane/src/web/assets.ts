import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestHandler } from 'express';
import { notFound } from '../errors';

const require = createRequire(import.meta.url);
const packageFile = (name: string, file: string) => path.join(path.dirname(require.resolve(`${name}/package.json`)), file);
const publicDir = fileURLToPath(new URL('../../public/', import.meta.url));

// Served from the installed packages and the Tailwind build: no CDN, nothing fetched at run time.
const assets: Record<string, string> = {
  'htmx.js': packageFile('htmx.org', 'dist/htmx.min.js'),
  'alpine.js': packageFile('@alpinejs/csp', 'dist/cdn.min.js'),
  'uplot.js': packageFile('uplot', 'dist/uPlot.esm.js'),
  'uplot.css': packageFile('uplot', 'dist/uPlot.min.css'),
  'alert-chart.js': path.join(publicDir, 'alert-chart.js'),
  'app.js': path.join(publicDir, 'app.js'),
  'app.css': path.join(publicDir, 'build/app.css'),
};

/** GET /assets/:file — the fixed set of front-end files; anything else is a 404. */
export const serveAsset: RequestHandler = (request, response) => {
  const file = assets[String(request.params.file)];
  if (!file || !existsSync(file)) throw notFound('that asset');
  response.sendFile(file, { maxAge: '1h' });
};
