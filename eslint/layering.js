// Enforces the dependency direction of DESIGN.md section 3 and keeps the pure layers free of
// Node: the agent core must run inside JavaScriptCore in an iOS network extension.
import { builtinModules } from 'node:module';
import path from 'node:path';

/** Which layers each layer may import (its own layer is always allowed). */
export const ALLOWED = {
  protocol: [],
  policy: ['protocol'],
  verdict: ['protocol'],
  agent: ['protocol', 'policy', 'verdict'],
  frontends: ['agent', 'protocol', 'policy', 'verdict'],
  server: ['protocol', 'policy', 'verdict'],
  portal: ['protocol'],
  cli: ['protocol', 'policy', 'verdict', 'agent', 'frontends', 'server'],
};

/** Layers that must stay pure ECMAScript. */
export const PURE = ['protocol', 'policy', 'verdict', 'agent'];

/** Packages that only work on Node; the pure layers may not use them. */
const NODE_ONLY_PACKAGES = ['fastify', 'pg', 'better-sqlite3', 'pino', 'kysely', 'commander', 'cli-progress', 'tsx'];

const builtins = new Set(builtinModules);

function layerOf(file, root) {
  const rel = path.relative(path.join(root, 'src'), file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const [layer] = rel.split(path.sep);
  return layer in ALLOWED ? layer : undefined;
}

function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** @type {import('eslint').Rule.RuleModule} */
export const layeringRule = {
  meta: {
    type: 'problem',
    docs: { description: 'dependency direction between src/ layers and purity of the agent core' },
    schema: [],
    messages: {
      nodeImport: "'{{spec}}' is Node-only; src/{{layer}} must stay pure ECMAScript (pass I/O in through an adapter)",
      layer: "src/{{layer}} may not import src/{{target}} (allowed: {{allowed}}); see DESIGN.md section 3",
    },
  },
  create(context) {
    const file = context.filename;
    const root = context.cwd;
    const layer = layerOf(file, root);
    if (!layer) return {};
    const pure = PURE.includes(layer);

    function check(node, source) {
      if (!source || typeof source.value !== 'string') return;
      const spec = source.value;
      if (spec.startsWith('.')) {
        const target = layerOf(path.resolve(path.dirname(file), spec), root);
        if (target && target !== layer && !ALLOWED[layer].includes(target)) {
          context.report({ node, messageId: 'layer', data: { layer, target, allowed: ALLOWED[layer].join(', ') || 'none' } });
        }
        return;
      }
      if (!pure) return;
      // Exact builtin ids only ('fs', 'fs/promises'): 'punycode/punycode.js' is the userland
      // package that shares a name with the deprecated builtin and is pure JavaScript.
      if (spec.startsWith('node:') || builtins.has(spec) || NODE_ONLY_PACKAGES.includes(packageName(spec))) {
        context.report({ node, messageId: 'nodeImport', data: { spec, layer } });
      }
    }

    return {
      ImportDeclaration: (node) => check(node, node.source),
      ExportNamedDeclaration: (node) => check(node, node.source),
      ExportAllDeclaration: (node) => check(node, node.source),
      ImportExpression: (node) => check(node, node.source),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node, node.arguments[0]);
      },
    };
  },
};

/** Node globals that do not exist in JavaScriptCore; I/O and randomness come from the adapter. */
export const NODE_GLOBALS = [
  'process', 'Buffer', '__dirname', '__filename', 'require', 'module', 'global', 'setImmediate',
  'clearImmediate', 'fetch', 'crypto', 'performance',
].map((name) => ({ name, message: `'${name}' is not available in the agent core's runtime; take it from the platform adapter` }));
