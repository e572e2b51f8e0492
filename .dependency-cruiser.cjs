// Imports run one way, down this list (docs/architecture.md). A layer may import the layers
// below it and itself; siblings on one rank (mcp, batch, eval) never import each other.
// `npm run lint:layers` checks it; tests/unit/layers.test.ts proves the check catches an upward import.
const LAYERS = [
  ["cli"],
  ["mcp", "batch", "eval"],
  ["agent"],
  ["record"],
  ["tools"],
  ["llm"],
  ["cad"],
  ["keys"],
  ["config"],
  ["util"],
];

const forbidden = [
  {
    name: "no-circular",
    severity: "error",
    comment: "import cycles hide the layer order",
    from: { path: "^src/" },
    to: { circular: true },
  },
];
LAYERS.forEach((rank, r) => {
  const above = LAYERS.slice(0, r).flat();
  for (const layer of rank) {
    const banned = [...above, ...rank.filter((other) => other !== layer)];
    if (!banned.length) continue;
    forbidden.push({
      name: `${layer}-imports-only-down`,
      severity: "error",
      comment: `src/${layer} may not import ${banned.join(", ")} (layer order: ${LAYERS.map((l) => l.join("|")).join(" > ")})`,
      from: { path: `^src/${layer}/` },
      to: { path: `^src/(${banned.join("|")})/` },
    });
  }
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    // The worker's Python and the tests are outside the layer order.
    exclude: { path: "^(node_modules|dist|tests|src/cad/worker)" },
  },
};
