import { describe, expect, it } from "vitest";
import { isCrossSite } from "../../src/http/security/cross-site.js";

const host = "desk.example:8080";

describe("isCrossSite", () => {
  it("takes Sec-Fetch-Site: same-origin as same-origin, even with the Origin: null of a no-referrer form", () => {
    expect(isCrossSite({ host, origin: "null", "sec-fetch-site": "same-origin" })).toBe(false);
    expect(isCrossSite({ host, origin: "https://desk.example:8080", "sec-fetch-site": "same-origin" })).toBe(false);
  });

  it("refuses what the browser marks as from another site, whatever the Origin says", () => {
    expect(isCrossSite({ host, origin: "https://evil.example", "sec-fetch-site": "cross-site" })).toBe(true);
    expect(isCrossSite({ host, origin: `http://${host}`, "sec-fetch-site": "same-site" })).toBe(true);
  });

  it("compares the Origin with the Host when the browser sends no Sec-Fetch-Site", () => {
    expect(isCrossSite({ host, origin: `http://${host}` })).toBe(false);
    expect(isCrossSite({ host, origin: "http://evil.example" })).toBe(true);
    expect(isCrossSite({ host, origin: "null" })).toBe(true);
    expect(isCrossSite({ host, origin: "::garbage" })).toBe(true);
  });

  it("lets a client that is no browser page (no Origin, no Sec-Fetch-Site) through to the login check", () => {
    expect(isCrossSite({ host })).toBe(false);
  });
});
