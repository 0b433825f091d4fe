import { describe, expect, it } from "vitest";
import { createLogins, hashPassword, isLoginName, MIN_PASSWORD_CHARS, parseUsersFile } from "../../src/http/logins.js";
import { basicAuth } from "../support/http.js";

describe("review UI logins", () => {
  it("hashes a password with scrypt and a fresh salt, and refuses a short one", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    await expect(hashPassword("x".repeat(MIN_PASSWORD_CHARS - 1))).rejects.toThrow(/at least 12 characters/);
  });

  it("reads a users file with comments, blank lines and CRLF, and names the first bad line", async () => {
    const hash = await hashPassword("correct horse battery");
    expect([...parseUsersFile(`# desk\r\nanna:${hash}\r\n\r\n  maja:${hash}  \r\n`).keys()]).toEqual(["anna", "maja"]);
    expect(() => parseUsersFile(`anna:${hash}\nanna:${hash}\n`)).toThrow("line 2: anna is listed twice");
    expect(() => parseUsersFile(`anna:${hash}\nmaja:secret\n`)).toThrow(/^line 2: expected "name:scrypt\$…"/);
    expect(() => parseUsersFile(`:${hash}\n`)).toThrow(/^line 1:/);
    expect(() => parseUsersFile(`anna:${hash.replace("$16384$", "$10000$")}\n`)).toThrow(/^line 1:/);
    expect(() => parseUsersFile("# nobody yet\n")).toThrow("no user in the file");
    const roles = parseUsersFile(`anna:${hash}\nvera:${hash}:viewer\nolof:${hash}:admin\n`);
    expect([...roles].map(([name, u]) => `${name} ${u.role}`)).toEqual(["anna agent", "vera viewer", "olof admin"]);
    expect(() => parseUsersFile(`anna:${hash}:boss\n`)).toThrow('line 1: unknown role "boss"');
  });

  it("reads a desk language after the role, or in its place, keeps lines without one valid, and names a bad one", async () => {
    const hash = await hashPassword("correct horse battery");
    const users = parseUsersFile(`maja:${hash}:agent:sv\nolle:${hash}:en\nvera:${hash}:viewer\nanna:${hash}\nolof:${hash}:admin:en\n`);
    expect([...users].map(([name, u]) => `${name} ${u.role} ${u.lang ?? "-"}`)).toEqual(["maja agent sv", "olle agent en", "vera viewer -", "anna agent -", "olof admin en"]);
    expect(() => parseUsersFile(`maja:${hash}:agent:de\n`)).toThrow('line 1: unknown desk language "de": the languages are sv and en');
    expect(() => parseUsersFile(`maja:${hash}:agent:sv:extra\n`)).toThrow(/^line 1: expected "name:scrypt\$…".*":sv" or ":en"/);
    expect(() => parseUsersFile(`maja:${hash}:sv:agent\n`)).toThrow(/^line 1: expected "name:scrypt/);

    const logins = createLogins(users);
    expect(logins.languageOf("maja")).toBe("sv");
    expect(logins.languageOf("anna")).toBeNull();
    expect(logins.languageOf("nobody")).toBeNull();
    // The Users page's listing: name, role and language, never the hash.
    expect(logins.list()).toEqual([
      { name: "maja", role: "agent", lang: "sv" },
      { name: "olle", role: "agent", lang: "en" },
      { name: "vera", role: "viewer", lang: null },
      { name: "anna", role: "agent", lang: null },
      { name: "olof", role: "admin", lang: "en" },
    ]);
    expect(JSON.stringify(logins.list())).not.toContain("scrypt");
  });

  it("accepts printable names without spaces or colons", () => {
    expect(isLoginName("anna.berg@desk")).toBe(true);
    expect(isLoginName("Åsa")).toBe(true);
    for (const bad of ["", "anna berg", "a:b", "tab\tname", "x".repeat(81)]) expect(isLoginName(bad), bad).toBe(false);
  });

  it("checks a Basic header against the users, and remembers a passed login for five minutes", async () => {
    const users = parseUsersFile(`anna:${await hashPassword("correct horse battery")}\n`);
    let now = 0;
    const logins = createLogins(users, { now: () => now });
    const check = (header: string | undefined) => logins.check(header, "10.0.0.1");
    expect(logins.users).toBe(1);
    expect(await check(basicAuth("anna", "correct horse battery"))).toEqual({ kind: "ok", name: "anna", role: "agent" });
    expect(await check(basicAuth("anna", "correct horse batter"))).toEqual({ kind: "refused" });
    expect(await check(basicAuth("olle", "correct horse battery"))).toEqual({ kind: "refused" });
    for (const header of [undefined, "", "Basic", "Basic !!", `Bearer ${"a".repeat(20)}`, `Basic ${Buffer.from("no colon").toString("base64")}`]) {
      expect(await check(header), String(header)).toEqual({ kind: "refused" });
    }

    // Remembered: still let in without a new check (the user's removal shows that no check ran)…
    users.delete("anna");
    now += 4 * 60_000;
    expect(await check(basicAuth("anna", "correct horse battery"))).toEqual({ kind: "ok", name: "anna", role: "agent" });
    // …until the five minutes are over, when the header is checked again.
    now += 2 * 60_000;
    expect(await check(basicAuth("anna", "correct horse battery"))).toEqual({ kind: "refused" });
  });

  it("stops checking a name from an address after ten wrong passwords in ten minutes, other names and addresses unaffected", async () => {
    let now = 0;
    const file = `anna:${await hashPassword("correct horse battery")}\nmaja:${await hashPassword("staple in the tray")}\n`;
    const logins = createLogins(parseUsersFile(file), { now: () => now });
    for (let i = 0; i < 10; i++) expect(await logins.check(basicAuth("anna", `guess number ${i}`), "10.0.0.66")).toEqual({ kind: "refused" });
    now += 60_000;
    // Even the right password is not checked now: the client is told when to come back.
    expect(await logins.check(basicAuth("anna", "correct horse battery"), "10.0.0.66")).toEqual({ kind: "throttled", retryAfterS: 540 });
    expect(await logins.check(basicAuth("anna", "correct horse battery"), "10.0.0.7")).toEqual({ kind: "ok", name: "anna", role: "agent" });
    expect(await logins.check(basicAuth("maja", "staple in the tray"), "10.0.0.66")).toEqual({ kind: "ok", name: "maja", role: "agent" });
    now += 9 * 60_000;
    expect(await logins.check(basicAuth("anna", "correct horse battery"), "10.0.0.66")).toEqual({ kind: "ok", name: "anna", role: "agent" });
  });

  it("runs one password check at a time, in arrival order, and goes on after one that fails", async () => {
    let inFlight = 0;
    let most = 0;
    const order: string[] = [];
    const derive = async (password: string): Promise<Buffer> => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      order.push(password);
      if (password.endsWith("b")) throw new Error("scrypt: out of memory");
      return Buffer.alloc(32);
    };
    const logins = createLogins(parseUsersFile(`anna:${await hashPassword("correct horse battery")}\n`), { derive });
    const results = await Promise.allSettled(["a", "b", "c", "d"].map((x) => logins.check(basicAuth("anna", `password ${x}`), `10.0.1.${x}`)));
    expect(most).toBe(1);
    expect(order).toEqual(["password a", "password b", "password c", "password d"]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
  });
});
