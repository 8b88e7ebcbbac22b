/**
 * A TCP load balancer for multi-node tests, as a deployment puts in front of its signaling nodes:
 * each new connection goes to the first backend (in this balancer's order) that accepts it, and is
 * piped both ways; when the backend's side ends (a killed node), the client's side is closed too,
 * so the client reconnects, through the balancer, to a live node. One balancer per client with its
 * own order places clients on chosen nodes while both are up.
 */
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';

export interface Balancer {
  port: number;
  /** `ws://127.0.0.1:<port><path>` */
  url(path: string): string;
  /** Backend port of every connection made so far, in order. */
  readonly picks: number[];
  close(): Promise<void>;
}

function connectTo(port: number): Promise<Socket | null> {
  return new Promise((resolve) => {
    const s = createConnection({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', () => resolve(null));
  });
}

export async function startBalancer(backends: readonly number[]): Promise<Balancer> {
  const picks: number[] = [];
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.pause();
    void (async () => {
      for (const port of backends) {
        const upstream = await connectTo(port);
        if (!upstream) continue;
        picks.push(port);
        open.add(upstream);
        upstream.once('close', () => {
          open.delete(upstream);
          client.destroy();
        });
        upstream.on('error', () => upstream.destroy());
        client.once('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
        return;
      }
      client.destroy();
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    picks,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
