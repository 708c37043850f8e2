// The case's call graph as the control plane's inventory: one device per component, each
// depending on what it calls. Written straight into the shared database (the inventory has no
// write API yet); the assistant reads it back through the control plane's read-only API.
import type { Database, Kysely } from '@sre/db';
import type { SystemGraph } from './case';

// A device name the control plane accepts for any component name (`PetSite`, `a/b::c` → `a_b::c`).
const deviceNameOf = (service: string) => service.replace(/[^\w.:-]/g, '_').slice(0, 200);

/** Replaces the whole inventory with the graph's components; returns device name → component. */
export async function registerGraph(db: Kysely<Database>, graph: SystemGraph): Promise<Map<string, string>> {
  const services = [...new Set([...graph.services, ...graph.calls.flatMap((call) => [call.from, call.to])])];
  const componentOf = new Map(services.map((service) => [deviceNameOf(service), service]));
  if (componentOf.size !== services.length) throw new Error('two components map to the same device name');
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('device_dependencies').execute();
    await trx.deleteFrom('devices').execute();
    if (services.length === 0) return;
    const devices = await trx
      .insertInto('devices')
      .values(services.map((service) => ({ name: deviceNameOf(service), kind: 'service' as const, labels: { service } })))
      .returning(['id', 'name'])
      .execute();
    const idOf = new Map(devices.map((device) => [componentOf.get(device.name)!, device.id]));
    const edges = [...new Map(graph.calls.filter((call) => call.from !== call.to).map((call) => [`${call.from}\u0000${call.to}`, call])).values()];
    if (edges.length > 0) {
      await trx
        .insertInto('device_dependencies')
        .values(edges.map((call) => ({ from_device_id: idOf.get(call.from)!, to_device_id: idOf.get(call.to)! })))
        .execute();
    }
  });
  return componentOf;
}
