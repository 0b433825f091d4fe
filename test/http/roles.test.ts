// Who may do what in the desk (http/security/roles.ts): reading, acting, and administering settings.
import { describe, expect, it } from "vitest";
import { ROLES, mayAct, mayAdminister, adminRefusal } from "../../src/http/security/roles.js";

describe("the desk's roles", () => {
  it("lets an agent and an admin act, only an admin administer, and a viewer neither", () => {
    expect(ROLES.map((r) => [r, mayAct(r), mayAdminister(r)])).toEqual([
      ["viewer", false, false],
      ["agent", true, false],
      ["admin", true, true],
    ]);
  });

  it("refuses settings to a non-admin naming the role and what to do", () => {
    expect(adminRefusal("agent")).toBe("this page is for admins only: your login has the role agent, and the page needs the admin role; ask an admin for it");
    expect(adminRefusal("viewer", "sv")).toContain("kräver rollen administratör (admin)");
  });
});
