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
  const sockets = new Set<net.Socket>();
  const serve = (client: net.Socket) => {
    const upstream = net.connect(opts.target, "127.0.0.1");
    sockets.add(client).add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);

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
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, "127.0.0.1", () => resolve());
  });
  return {
    port: opts.port,
    dropAll: () => sockets.forEach((s) => s.destroy()),
    async close() {
      sockets.forEach((s) => s.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
