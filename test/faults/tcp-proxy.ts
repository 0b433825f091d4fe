/**
 * A TCP proxy between the bot and the IMAP server that the nemesis can cut and heal. Cut: every
 * connection through it is destroyed and new ones are closed as soon as they arrive (the client sees
 * the server go away, as on a server restart). Records when connections are made, so that the time
 * from a heal to the client's reconnect can be measured.
 */
import { connect, createServer } from "node:net";
import { SocketPairs, closeProxy, listenLocal } from "../support/socket-pair.js";

export interface TcpProxy {
  port: number;
  cut(): void;
  heal(): void;
  /** Times (ms since epoch) at which a connection was let through. */
  connections: number[];
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new SocketPairs();
  const connections: number[] = [];
  let isCut = false;
  const server = createServer((client) => {
    if (isCut) {
      client.destroy();
      return;
    }
    connections.push(Date.now());
    const upstream = connect(target.port, target.host);
    pairs.pair(client, upstream);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return {
    port: await listenLocal(server),
    connections,
    cut() {
      isCut = true;
      pairs.destroyAll();
    },
    heal() {
      isCut = false;
    },
    close: () => closeProxy(server, pairs),
  };
}
