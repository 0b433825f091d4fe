/**
 * Import direction (STYLE §9): the core is pure and imports no adapter, app uses cases see adapters
 * only through ports, and nothing imports the composition root or the CLI. The CLI's start loads no
 * heavy module before a command asks for it.
 */
module.exports = {
  forbidden: [
    {
      name: "core-is-pure",
      comment: "src/core holds pure domain code: no adapters, app, runtime, http, cli, config",
      severity: "error",
      from: { path: "^src/core/" },
      to: { path: "^src/(adapters|app|runtime|http|cli|demo|main|config)" },
    },
    {
      name: "core-does-no-io",
      comment: "the core never touches files, network, processes or the clock's sources",
      severity: "error",
      from: { path: "^src/core/" },
      to: { dependencyTypes: ["core"], pathNot: "^(node:)?(crypto|util)$" },
    },
    {
      name: "app-uses-ports",
      comment: "use cases get adapters passed in (app/ports.ts), they do not import them",
      severity: "error",
      from: { path: "^src/app/" },
      to: { path: "^src/(adapters|runtime|http|cli|demo|main)" },
    },
    {
      name: "adapters-do-not-reach-up",
      severity: "error",
      from: { path: "^src/adapters/" },
      to: { path: "^src/(runtime|http|cli|demo|main)" },
    },
    {
      name: "cli-cold-path-stays-light",
      comment:
        "the CLI declares every command before it runs one: the files it loads to do so reach the composition root, the runtime, the mail and image adapters and their libraries only by `await import()` in the command that needs them (issue 19: `cases list` within 1 s at 100 000 cases)",
      severity: "error",
      from: { path: "^src/cli/(main|case-commands|speak-commands|context|format|usage-error)\\.ts$" },
      to: {
        path: [
          "^src/(main|runtime|http|demo)",
          "^src/adapters/(image|pdf|mime|mailauth|queue|smtp|auth)/",
          "^src/adapters/imap/(?!folders|login-error)",
          "node_modules/(sharp|pdf-lib|pdf-parse|mailparser|imapflow|heic-decode|mailauth|@azure|google-auth-library|fastify|bullmq|pino|nodemailer|sanitize-html|handlebars|yaml)/",
        ],
        dependencyTypesNot: ["dynamic-import", "type-only"],
      },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js"] },
  },
};
