/**
 * What the tests' TCP proxies share (test/faults/tcp-proxy.ts cuts and heals, test/support/imap-proxy.ts
 * rewrites IMAP lines): each client socket is paired with its upstream socket, and when either side
 * closes or fails both are destroyed, so a proxy never leaves half a connection open. `destroyAll`
 * cuts every pair at once, as a server restart or a network outage does.
 */
import type { AddressInfo, Server, Socket } from "node:net";

export class SocketPairs {
  private readonly open = new Set<Socket>();

  /** Keeps `client` and `upstream` together: the end of one ends the other. */
  pair(client: Socket, upstream: Socket): void {
    this.open.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      this.open.delete(client);
      this.open.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  }

  /** Destroys every open socket of every pair. */
  destroyAll(): void {
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  /** Sockets open now (two per connection). */
  get size(): number {
    return this.open.size;
  }
}

/** Listens on 127.0.0.1 (`port` 0: any free port); resolves with the port, rejects if it is taken. */
export async function listenLocal(server: Server, port = 0): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Cuts every pair and stops listening. */
export function closeProxy(server: Server, pairs: SocketPairs): Promise<void> {
  pairs.destroyAll();
  return new Promise<void>((resolve) => server.close(() => resolve()));
}
