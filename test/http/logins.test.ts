import { describe, expect, it } from "vitest";
import { createLogins, hashPassword, isLoginName, MIN_PASSWORD_CHARS, parseUsersFile } from "../../src/http/logins.js";

const basic = (name: string, password: string) => `Basic ${Buffer.from(`${name}:${password}`).toString("base64")}`;

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
  });

  it("accepts printable names without spaces or colons", () => {
    expect(isLoginName("anna.berg@desk")).toBe(true);
    expect(isLoginName("Åsa")).toBe(true);
    for (const bad of ["", "anna berg", "a:b", "tab\tname", "x".repeat(81)]) expect(isLoginName(bad), bad).toBe(false);
  });

  it("checks a Basic header against the users, and remembers a passed login for five minutes", async () => {
    const users = parseUsersFile(`anna:${await hashPassword("correct horse battery")}\n`);
    let now = 0;
    const logins = createLogins(users, () => now);
    expect(logins.users).toBe(1);
    expect(await logins.check(basic("anna", "correct horse battery"))).toBe("anna");
    expect(await logins.check(basic("anna", "correct horse batter"))).toBeNull();
    expect(await logins.check(basic("olle", "correct horse battery"))).toBeNull();
    for (const header of [undefined, "", "Basic", "Basic !!", `Bearer ${"a".repeat(20)}`, `Basic ${Buffer.from("no colon").toString("base64")}`]) {
      expect(await logins.check(header), String(header)).toBeNull();
    }

    // Remembered: still let in without a new check (the user's removal shows that no check ran)…
    users.delete("anna");
    now += 4 * 60_000;
    expect(await logins.check(basic("anna", "correct horse battery"))).toBe("anna");
    // …until the five minutes are over, when the header is checked again.
    now += 2 * 60_000;
    expect(await logins.check(basic("anna", "correct horse battery"))).toBeNull();
  });
});
