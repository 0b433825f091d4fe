/**
 * A TCP (or TLS) proxy in front of a real Dovecot that gives it the habits of other servers, for the
 * behaviours Dovecot's configuration cannot produce:
 * - `tls`: the server speaks IMAPS with the given (self-signed) certificate;
 * - `silentIdle`: IDLE is advertised and accepted but never pushes anything (Cyrus without idled,
 *   Courier without enhanced IDLE): the proxy answers IDLE and DONE itself;
 * - `noAlreadyExists`: a CREATE of an existing folder is a plain NO, as Cyrus and Courier answer.
 * Everything else goes through unchanged; `dropAll` cuts every connection, as a server restart does.
 */
import net from "node:net";
import tls from "node:tls";
import { SocketPairs, closeProxy, listenLocal } from "./socket-pair.js";

export interface ImapProxyOptions {
  target: number;
  port: number;
  tls?: { key: string; cert: string };
  silentIdle?: boolean;
  noAlreadyExists?: boolean;
}

export interface ImapProxy {
  port: number;
  /** Cuts every connection, as a server restart does. */
  dropAll(): void;
  close(): Promise<void>;
}

const IDLE_COMMAND = /^(\S+) IDLE\r\n$/i;

export async function startImapProxy(opts: ImapProxyOptions): Promise<ImapProxy> {
  const pairs = new SocketPairs();
  const serve = (client: net.Socket) => {
    const upstream = net.connect(opts.target, "127.0.0.1");
    pairs.pair(client, upstream);

    let idleTag: string | null = null;
    client.on("data", (chunk: Buffer) => {
      const text = chunk.toString("latin1");
      if (opts.silentIdle && idleTag === null && IDLE_COMMAND.test(text)) {
        idleTag = IDLE_COMMAND.exec(text)?.[1] ?? "*";
        client.write("+ idling\r\n");
        return;
      }
      if (idleTag !== null && /^DONE\r\n$/i.test(text)) {
        client.write(`${idleTag} OK Idle completed\r\n`);
        idleTag = null;
        return;
      }
      upstream.write(chunk);
    });

    // Server lines are rewritten whole: a partial line waits for its end.
    let pending = "";
    upstream.on("data", (chunk: Buffer) => {
      pending += chunk.toString("latin1");
      const cut = pending.lastIndexOf("\r\n");
      if (cut === -1) return;
      let lines = pending.slice(0, cut + 2);
      pending = pending.slice(cut + 2);
      if (opts.silentIdle) {
        lines = lines.replace(/^(.*CAPABILITY IMAP4rev1)(?![^\r\n]* IDLE)/gim, "$1 IDLE");
      }
      if (opts.noAlreadyExists) lines = lines.replace(/ NO \[ALREADYEXISTS\] /g, " NO ");
      client.write(Buffer.from(lines, "latin1"));
    });
  };
  const server = opts.tls ? tls.createServer({ key: opts.tls.key, cert: opts.tls.cert }, serve) : net.createServer(serve);
  return {
    port: await listenLocal(server, opts.port),
    dropAll: () => pairs.destroyAll(),
    close: () => closeProxy(server, pairs),
  };
}
