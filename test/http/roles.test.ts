// Who may do what in the desk (http/security/roles.ts): reading, acting, and administering settings.
import { describe, expect, it } from "vitest";
import { ROLES, mayAct, mayAdminister, refusalForAdmin } from "../../src/http/security/roles.js";

describe("the desk's roles", () => {
  it("lets an agent and an admin act, only an admin administer, and a viewer neither", () => {
    expect(ROLES.map((r) => [r, mayAct(r), mayAdminister(r)])).toEqual([
      ["viewer", false, false],
      ["agent", true, false],
      ["admin", true, true],
    ]);
  });

  it("refuses settings to a non-admin naming the role and what to do", () => {
    expect(refusalForAdmin("agent")).toBe("your login has the role agent, and only an admin may change the desk's settings: ask an admin to change it, or to give you the admin role");
  });
});
