/**
 * A TCP proxy between the bot and the IMAP server that the nemesis can cut and heal. Cut: every
 * connection through it is destroyed and new ones are closed as soon as they arrive (the client sees
 * the server go away, as on a server restart). Records when connections are made, so that the time
 * from a heal to the client's reconnect can be measured.
 */
import type { AddressInfo, Server, Socket } from "node:net";
import { connect, createServer } from "node:net";

export interface TcpProxy {
  port: number;
  cut(): void;
  heal(): void;
  /** Times (ms since epoch) at which a connection was let through. */
  connections: number[];
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  const connections: number[] = [];
  let isCut = false;
  const server: Server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    connections.push(Date.now());
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    cut() {
      isCut = true;
      for (const s of open) s.destroy();
      open.clear();
    },
    heal() {
      isCut = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
