/**
 * The SMTP pool against a real SMTP server (the `smtp-server` package on loopback): the bytes arrive as
 * given, connections are kept and bounded, a refused recipient leaves the connection usable, a session
 * the server ended is replaced, and a server that is not there is a clear error.
 */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { SMTPServerOptions } from "smtp-server";
import { afterEach, describe, expect, it } from "vitest";
import { createSmtpPool } from "../../src/adapters/smtp/smtp-pool.js";
import type { SmtpPool } from "../../src/adapters/smtp/smtp-pool.js";

interface Received {
  from: string;
  to: string[];
  raw: Buffer;
  connection: string;
}

const servers: SMTPServer[] = [];
const pools: SmtpPool[] = [];

afterEach(async () => {
  for (const p of pools.splice(0)) p.close();
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

async function startServer(extra: Partial<SMTPServerOptions> = {}, listenPort = 0) {
  const received: Received[] = [];
  const connections = { opened: 0, open: 0, maxOpen: 0 };
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ["STARTTLS", "AUTH"],
    closeTimeout: 200,
    logger: false,
    onConnect(_session, cb) {
      connections.opened++;
      connections.open++;
      connections.maxOpen = Math.max(connections.maxOpen, connections.open);
      cb();
    },
    onClose() {
      connections.open--;
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          connection: session.id,
        });
        // Slow enough that parallel sends overlap.
        setTimeout(() => cb(null, `queued as ${received.length}`), 5);
      });
    },
    ...extra,
  });
  await new Promise<void>((resolve) => server.listen(listenPort, "127.0.0.1", resolve));
  servers.push(server);
  const port = (server.server.address() as AddressInfo).port;
  return { server, received, connections, url: `smtp://127.0.0.1:${port}` };
}

/** Kills the server's side of every session without a word: the pool only learns of it when it uses the connection. */
function killSessions(server: SMTPServer): void {
  for (const c of (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> }).connections) c._socket.destroy();
}

/** Stops a server, so that nothing listens on its port. */
async function stopServer(server: SMTPServer): Promise<void> {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  servers.splice(servers.indexOf(server), 1);
}

function pool(url: string, size = 2): SmtpPool {
  const p = createSmtpPool({ url, size, connectionTimeoutMs: 2000, greetingTimeoutMs: 2000 });
  pools.push(p);
  return p;
}

const message = (n: number) =>
  Buffer.from(`From: desk@test.local\r\nTo: nm@test.local\r\nSubject: ${n}\r\n\r\n.leading dot\r\nline ${n}\r\n`);
const envelope = { from: "desk@test.local", to: ["nm@test.local"] };

describe("SMTP pool", () => {
  it("delivers the bytes as given and returns the server's response", async () => {
    const s = await startServer();
    const { response } = await pool(s.url).send({ from: "desk@test.local", to: ["a@test.local", "b@test.local"] }, message(1));
    expect(response).toMatch(/^250 .*queued as 1/);
    expect(s.received).toHaveLength(1);
    expect(s.received[0]?.raw.equals(message(1))).toBe(true);
    expect(s.received[0]?.from).toBe("desk@test.local");
    expect(s.received[0]?.to).toEqual(["a@test.local", "b@test.local"]);
  });

  it("keeps connections for the next messages and never opens more than its size", async () => {
    const s = await startServer();
    const p = pool(s.url, 3);
    for (let i = 0; i < 5; i++) await p.send(envelope, message(i));
    expect(s.connections.opened).toBe(1);
    await Promise.all(Array.from({ length: 30 }, (_, i) => p.send(envelope, message(100 + i))));
    expect(s.received).toHaveLength(35);
    expect(s.connections.maxOpen).toBe(3);
    expect(new Set(s.received.map((r) => r.connection)).size).toBe(3);
  });

  it("reports a refused recipient and keeps using the connection", async () => {
    const s = await startServer({
      onRcptTo(address, _session, cb) {
        cb(address.address.startsWith("nobody@") ? Object.assign(new Error("no such user"), { responseCode: 550 }) : undefined);
      },
    });
    const p = pool(s.url, 1);
    await expect(p.send({ from: "desk@test.local", to: ["nobody@test.local"] }, message(1))).rejects.toMatchObject({
      code: "EENVELOPE",
      responseCode: 550,
    });
    await p.send(envelope, message(2));
    expect(s.received).toHaveLength(1);
    expect(s.connections.opened).toBe(1);
  });

  it("replaces a connection the server ended while it was idle", async () => {
    const s = await startServer({ socketTimeout: 150 });
    const p = pool(s.url, 1);
    await p.send(envelope, message(1));
    // The server's idle timeout ends the session (421, then close) while the pool keeps it.
    await new Promise((r) => setTimeout(r, 400));
    await p.send(envelope, message(2));
    expect(s.received.map((r) => r.raw.toString()).join()).toContain("line 2");
    expect(s.connections.opened).toBe(2);
  });

  it.each([
    ["used for a message", (p: SmtpPool) => p.send(envelope, message(0)).then(() => undefined)],
    ["opened by verify", (p: SmtpPool) => p.verify()],
  ])("sends over a new connection when a kept one (%s) turns out dead before the message went out", async (_kept, keep) => {
    const s = await startServer();
    const p = pool(s.url, 1);
    await keep(p);
    const before = s.received.length;
    killSessions(s.server);
    await p.send(envelope, message(1));
    expect(s.received.length - before).toBe(1);
    expect(s.connections.opened).toBe(2);
  });

  it("fails with a clear error while no server listens, and sends again once one does", async () => {
    const s = await startServer();
    const port = Number(new URL(s.url).port);
    await stopServer(s.server);
    const p = pool(s.url, 2);
    await expect(p.send(envelope, message(1))).rejects.toMatchObject({ code: "ESOCKET" });
    await expect(p.send(envelope, message(2))).rejects.toMatchObject({ code: "ESOCKET" });
    await expect(p.send(envelope, message(3))).rejects.toMatchObject({ code: "ESOCKET" });
    // The server is back on the same port: the failed connections left no slot taken.
    const back = await startServer({}, port);
    await p.send(envelope, message(4));
    await p.send(envelope, message(5));
    expect(back.received.map((r) => r.raw.toString())).toEqual([message(4).toString(), message(5).toString()]);
    expect(back.connections.opened).toBe(1);
  });

  it("verify opens a connection that the next send uses", async () => {
    const s = await startServer();
    const p = pool(s.url, 2);
    await p.verify();
    expect(s.connections).toMatchObject({ opened: 1, open: 1 });
    expect(s.received).toHaveLength(0);
    await p.send(envelope, message(1));
    expect(s.received).toHaveLength(1);
    expect(s.connections.opened).toBe(1);
  });

  it("verify fails with the connection's error while no server listens", async () => {
    const s = await startServer();
    await stopServer(s.server);
    await expect(pool(s.url, 1).verify()).rejects.toMatchObject({ code: "ESOCKET" });
  });

  it("refuses sends after close", async () => {
    const s = await startServer();
    const p = pool(s.url, 1);
    await p.send(envelope, message(1));
    p.close();
    await expect(p.send(envelope, message(2))).rejects.toThrow("SMTP pool closed");
  });
});
