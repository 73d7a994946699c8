// What the one Dockerfile (repository root) must be, checked by deploy/test/dockerfile.test.ts (npm test) and by
// the container test before it builds: an overridable Node base, stages that share the dependency and compile
// layers and take APP only after them, production dependencies only in the image, a non-root user, a health
// check, node as PID 1, and nothing dockerfile-utils (what `npx dockerfile-utils lint Dockerfile` runs) reports.
// @param {string} text the Dockerfile
// @param {(text: string) => { message: string, range?: { start?: { line?: number } } }[]} lint dockerfile-utils' validate
// @returns {{ name: string, ok: boolean, detail?: string }[]}
export function dockerfileChecks(text, lint) {
  const froms = [...text.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => ({ image: m[1], stage: m[2] }));
  const stages = froms.map((f) => f.stage).filter(Boolean);
  const stageOf = (name) => text.slice(text.indexOf(`AS ${name}\n`));
  const runtime = text.slice(text.lastIndexOf('\nFROM '));
  const appArg = text.indexOf('\nARG APP');
  const problems = lint(text);
  return [
    {
      name: 'base from a build argument (ARG BASE=…; every FROM is ${BASE} or an earlier stage)',
      ok:
        /^ARG BASE=\S+/m.test(text) &&
        froms.length > 0 &&
        froms.every((f, i) => f.image === '${BASE}' || froms.slice(0, i).some((e) => e.stage === f.image)),
    },
    {
      name: 'multi-stage: named build stages, an unnamed runtime stage last, FROM ${BASE}',
      ok: froms.length >= 2 && stages.length === froms.length - 1 && froms.at(-1).image === '${BASE}' && !froms.at(-1).stage,
    },
    {
      name: 'dependencies installed from the manifests alone, before the sources are copied',
      ok:
        stages.includes('deps') &&
        /COPY --from=manifests /.test(stageOf('deps').split('\nFROM ')[0]) &&
        !/^COPY \. \./m.test(stageOf('deps').split('\nFROM ')[0]),
    },
    {
      name: 'ARG APP only after the shared stages (their layers do not depend on it)',
      ok: appArg > 0 && appArg > text.indexOf('RUN npx tsc -b') && appArg > text.indexOf('npm ci --ignore-scripts'),
    },
    { name: 'the image gets production dependencies of APP only', ok: /npm ci --omit=dev --workspace="\$\{APP\}"/.test(text) },
    { name: 'non-root user in the runtime stage', ok: /^USER (?!root\b|0\b)\S+/m.test(runtime) },
    { name: 'HEALTHCHECK', ok: /^HEALTHCHECK .*CMD \["node", "healthcheck\.mjs"\]$/m.test(runtime) },
    { name: 'node is the command (PID 1, no npm or shell in between)', ok: /^CMD \["node", "main\.mjs"\]$/m.test(runtime) },
    {
      name: 'dockerfile-utils lint clean',
      ok: problems.length === 0,
      detail: problems.map((p) => `line ${(p.range?.start?.line ?? -1) + 1}: ${p.message}`).join('; '),
    },
  ];
}
