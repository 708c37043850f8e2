// Makes a wider system out of a Nezha-format dataset, to see how the ranking holds up with more
// services than the development data has. Each day gains `copies` copies of every service, called
// by the system's entry points. A copy replays its original's own series shifted in time, leaving
// out whatever lies within five minutes before or half an hour after an injected fault (as far as
// the windows without a fault keep from one), so the copies show the system's normal behaviour,
// wanderings included, and never a fault. Faults, the SLI and the truths are as in the source.
import { cp, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { formatCsv } from './csv';
import { isDirectory, isFile } from './files';
import { faultListPath, findDates, parseNezhaTime, readFaults, readTable, requireColumn, serviceOfPod, splitCallColumn, type Table } from './nezha';

export interface WidenedDay {
  date: string;
  services: number;
  copiedServices: number;
}

// A fault lasts about three minutes; its onset and all of its aftermath stay out of the copies.
const faultQuietBefore = 5 * 60;
const faultQuietAfter = 30 * 60;

/** Writes the widened dataset to `target`, which must not exist yet. */
export async function widenNezha(source: string, target: string, copies: number): Promise<WidenedDay[]> {
  if (!Number.isInteger(copies) || copies < 1) throw new Error(`copies must be a positive whole number, not ${copies}`);
  if (!(await isDirectory(source))) throw new Error(`${source}: no such directory`);
  if ((await isFile(target)) || (await isDirectory(target))) throw new Error(`${target} already exists: the widened dataset goes to a new directory`);
  await cp(source, target, { recursive: true });
  const days: WidenedDay[] = [];
  for (const date of await findDates(target)) {
    days.push(await widenDay(target, date, copies));
  }
  return days;
}

async function widenDay(directory: string, date: string, copies: number): Promise<WidenedDay> {
  const metricDirectory = path.join(directory, date, 'metric');
  const faults = await readFaults(faultListPath(directory, date));
  const nearFault = (time: number) => faults.some(({ injectAt }) => time >= injectAt - faultQuietBefore && time <= injectAt + faultQuietAfter);
  const copyName = (service: string, copy: number) => `${service}-copy${copy}`;

  const podFiles = (await readdir(metricDirectory)).filter((name) => name.endsWith('_metric.csv')).sort();
  const services = new Set<string>();
  for (const file of podFiles) {
    const pod = file.slice(0, -'_metric.csv'.length);
    const service = serviceOfPod(pod);
    services.add(service);
    const table = await readTable(path.join(metricDirectory, file));
    const podColumn = requireColumn(table, 'PodName');
    for (let copy = 1; copy <= copies; copy += 1) {
      const copiedPod = `${copyName(service, copy)}${pod.slice(service.length)}`;
      if (serviceOfPod(copiedPod) !== copyName(service, copy)) throw new Error(`${file}: a pod name without replica-set and pod hashes (<service>-<hash>-<hash>) cannot be copied`);
      const rows = shiftedRows(table, copy, copies, nearFault).map((row) => row.with(podColumn, copiedPod));
      await writeFile(path.join(metricDirectory, `${copiedPod}_metric.csv`), formatCsv([table.header, ...rows]));
    }
  }

  const dependencyFile = path.join(metricDirectory, 'dependency.csv');
  // Without a call graph the reader has the SLI call every service, copies included.
  if (await isFile(dependencyFile)) {
    const table = await readTable(dependencyFile);
    const [source, target] = [requireColumn(table, 'Source'), requireColumn(table, 'Target')];
    const internal = table.rows.filter((row) => services.has(row[source]!) && services.has(row[target]!) && row[source] !== row[target]);
    const called = new Set(internal.map((row) => row[target]!));
    const entryPoints = [...services].filter((service) => !called.has(service));
    const added: string[][] = [];
    for (let copy = 1; copy <= copies; copy += 1) {
      added.push(...internal.map((row) => row.with(source, copyName(row[source]!, copy)).with(target, copyName(row[target]!, copy))));
      added.push(...entryPoints.map((service) => table.header.map((_, column) => (column === source ? service : column === target ? copyName(service, copy) : '1'))));
    }
    await writeFile(dependencyFile, formatCsv([table.header, ...table.rows, ...added]));
  }

  for (const name of ['source_50.csv', 'destination_50.csv']) {
    const file = path.join(metricDirectory, name);
    if (!(await isFile(file))) continue;
    const table = await readTable(file);
    const calls = table.header.flatMap((column, index) => {
      const call = splitCallColumn(column, services);
      return call ? [{ index, ...call }] : [];
    });
    const header = [...table.header];
    const rows = table.rows.map((row) => [...row]);
    for (let copy = 1; copy <= copies; copy += 1) {
      // Blanked rows keep their place here: each row is one time, shared by every call column.
      const shifted = shiftedRows(table, copy, copies, nearFault, { keepBlanked: true });
      for (const call of calls) {
        header.push(`${copyName(call.from, copy)}_${copyName(call.to, copy)}`);
        rows.forEach((row, index) => row.push(shifted[index]?.[call.index] ?? ''));
      }
    }
    await writeFile(file, formatCsv([header, ...rows]));
  }
  return { date, services: services.size, copiedServices: services.size * copies };
}

/**
 * The rows with their time cells kept and their other cells taken from the row `copy / (copies + 1)`
 * of the table further on (wrapping round), so each copy is shifted by a different fraction of
 * the day. A row whose values come from near a fault is left out, or blanked with `keepBlanked`.
 */
function shiftedRows(table: Table, copy: number, copies: number, nearFault: (time: number) => boolean, options: { keepBlanked?: boolean } = {}): string[][] {
  const timeColumns = table.header.flatMap((column, index) => (['time', 'timestamp'].includes(column.toLowerCase()) ? [index] : []));
  const timeColumn = requireColumn(table, 'Time');
  const offset = Math.round((copy * table.rows.length) / (copies + 1));
  return table.rows.flatMap((row, index) => {
    const from = table.rows[(index + offset) % table.rows.length]!;
    const fromTime = parseNezhaTime(from[timeColumn] ?? '');
    if (fromTime === undefined || nearFault(fromTime)) return options.keepBlanked ? [row.map((cell, column) => (timeColumns.includes(column) ? cell : ''))] : [];
    return [from.map((cell, column) => (timeColumns.includes(column) ? row[column]! : cell))];
  });
}
