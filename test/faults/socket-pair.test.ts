/** The socket-pair helper both test proxies stand on: pairs end together, and a cut ends them all. */
import { connect, createServer } from "node:net";
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { SocketPairs, closeProxy, listenLocal } from "../support/socket-pair.js";
import { startTcpProxy } from "./tcp-proxy.js";

const closed = (s: Socket) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once("close", () => resolve())));
const reply = (s: Socket) => new Promise<string>((resolve) => s.once("data", (d: Buffer) => resolve(d.toString())));

describe("socket pairs", () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  async function echoServer(): Promise<{ port: number; accepted: Socket[] }> {
    const accepted: Socket[] = [];
    const server = createServer((s) => {
      accepted.push(s);
      s.on("error", () => undefined);
      s.pipe(s);
    });
    const port = await listenLocal(server);
    cleanup.push(() => closeProxy(server, new SocketPairs()).then(() => accepted.forEach((s) => s.destroy())));
    return { port, accepted };
  }

  it("closes the client when the upstream goes away, and the upstream when the client does", async () => {
    const echo = await echoServer();
    const pairs = new SocketPairs();
    const proxy = createServer((client) => pairs.pair(client, connect(echo.port, "127.0.0.1")));
    const port = await listenLocal(proxy);
    cleanup.push(() => closeProxy(proxy, pairs));

    const a = connect(port, "127.0.0.1");
    await new Promise((r) => a.once("connect", r));
    await expect.poll(() => pairs.size).toBe(2);
    await expect.poll(() => echo.accepted.length).toBe(1);
    echo.accepted[0]?.destroy();
    await closed(a);
    expect(pairs.size).toBe(0);

    const b = connect(port, "127.0.0.1");
    await expect.poll(() => echo.accepted.length).toBe(2);
    b.destroy();
    const upstreamSide = echo.accepted[1];
    if (!upstreamSide) throw new Error("no upstream connection");
    await closed(upstreamSide);
    await expect.poll(() => pairs.size).toBe(0);
  });

  it("the fault proxy passes bytes, cuts every connection, refuses new ones while cut, and lets them through after the heal", async () => {
    const echo = await echoServer();
    const proxy = await startTcpProxy({ host: "127.0.0.1", port: echo.port });
    cleanup.push(() => proxy.close());
    const a = connect(proxy.port, "127.0.0.1");
    a.write("ping");
    expect(await reply(a)).toBe("ping");
    proxy.cut();
    await closed(a);
    const refused = connect(proxy.port, "127.0.0.1");
    refused.on("error", () => undefined);
    await closed(refused);
    expect(proxy.connections).toHaveLength(1);
    proxy.heal();
    const b = connect(proxy.port, "127.0.0.1");
    b.write("pong");
    expect(await reply(b)).toBe("pong");
    expect(proxy.connections).toHaveLength(2);
    b.destroy();
  });
});
