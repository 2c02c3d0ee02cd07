// @ts-check
/**
 * ESLint flat config: typescript-eslint's recommended rules (not type-aware,
 * to stay fast) plus Netwright's architecture rules. As in VS Code, the
 * runtime a file may use is given by its folder:
 *
 *   shared/    pure TypeScript that runs everywhere: no Node, DOM, Electron,
 *              React, React Flow, tfjs or ws.
 *   renderer/  the browser UI: no Node built-ins, no Electron, nothing from
 *              main/; only renderer/src/platform/ touches `window.api`.
 *   main/      Node back end; only main/electron/ may import `electron`, and
 *              only ipc-main.ts and preload.ts may use ipcMain / ipcRenderer.
 *
 * scripts/lint-rules.test.ts checks that each rule fires.
 */
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { defineConfig } from 'eslint/config';
import { builtinModules } from 'node:module';
import path from 'node:path';
import reactHooks from 'eslint-plugin-react-hooks';

const ROOT = import.meta.dirname;

// ---------------------------------------------------------------------------
// Module groups, as `no-restricted-imports` patterns.

const escape = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const builtinNames = [...new Set(builtinModules.map((m) => m.replace(/^node:/, '').split('/')[0]))].filter((m) => !m.startsWith('_'));
const NODE_BUILTINS_RE = `^(?:node:.*|(?:${builtinNames.map(escape).join('|')})(?:/.*)?)$`;

const NODE = { regex: NODE_BUILTINS_RE, message: 'Node built-ins are not available in this runtime.' };
const ELECTRON = { regex: '^electron(?:/.*)?$', message: 'Electron is not available in this runtime.' };
const REACT = { regex: '^react(?:-dom)?(?:/.*)?$', message: 'shared/ is UI-free: React belongs in renderer/.' };
const XYFLOW = { regex: '^@xyflow/', message: 'shared/ is UI-free: React Flow belongs in renderer/.' };
const TFJS = { regex: '^@tensorflow/', message: 'shared/ must not load tfjs: describe layers as data, build them in main/trainer/.' };
const WS = { regex: '^ws$', message: 'shared/ has no transports: WebSocket code belongs in main/host/ or renderer/src/platform/.' };

const IPC_ONLY = {
  name: 'electron',
  importNames: ['ipcMain', 'ipcRenderer'],
  message: 'Raw IPC lives only in main/electron/ipc-main.ts and main/electron/preload.ts; go through the typed API contract.',
};

/**
 * Static imports and `export ... from`. Dynamic ones are handled by netwright/import-boundaries.
 * @param {{ regex: string, message: string }[]} patterns
 * @param {object[]} [paths]
 * @returns {import('eslint').Linter.RuleEntry}
 */
const restrictedImports = (patterns, paths = []) => ['error', { paths, patterns }];

// ---------------------------------------------------------------------------
// A small local rule: imports that resolve into another runtime's folder
// (`../../main/x` from renderer/), and dynamic `import()` / `require()` of
// forbidden modules, which no-restricted-imports does not see.

/** @type {import('eslint').Rule.RuleModule} */
const importBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Forbid imports that cross into another runtime\'s folder, and dynamic imports of forbidden modules.' },
    schema: [
      {
        type: 'object',
        properties: {
          folders: { type: 'array', items: { type: 'string' } },
          modules: { type: 'array', items: { type: 'object', properties: { regex: { type: 'string' }, message: { type: 'string' } } } },
          layers: { type: 'array', items: { type: 'object', properties: { folder: { type: 'string' }, reason: { type: 'string' } } } },
        },
        additionalProperties: false,
      },
    ],
    messages: {
      folder: '{{file}} may not import from {{folder}}/ ("{{source}}"): it runs in a different runtime. Share code through shared/.',
      module: '"{{source}}" may not be loaded here: {{message}}',
      layer: '{{file}} may not import from {{folder}}/ ("{{source}}"): {{reason}}',
    },
  },
  create(context) {
    /** @type {{ folders?: string[], modules?: { regex: string, message: string }[], layers?: { folder: string, reason: string }[] }} */
    const options = context.options[0] ?? {};
    const { folders = [], modules = [], layers = [] } = options;
    const matchers = modules.map((m) => ({ re: new RegExp(m.regex), message: m.message }));
    const file = context.filename;
    const rel = path.relative(ROOT, file).split(path.sep).join('/');

    /** @param {import('estree').Node | null | undefined} node @param {boolean} dynamic */
    function check(node, dynamic) {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const source = node.value;
      if (source.startsWith('.') || source.startsWith('/')) {
        const target = path.relative(ROOT, path.resolve(path.dirname(file), source)).split(path.sep).join('/');
        const folder = folders.find((f) => target === f || target.startsWith(`${f}/`));
        if (folder) {
          context.report({ node, messageId: 'folder', data: { file: rel, folder, source } });
          return;
        }
        const layer = layers.find((l) => target === l.folder || target.startsWith(`${l.folder}/`));
        if (layer) context.report({ node, messageId: 'layer', data: { file: rel, folder: layer.folder, source, reason: layer.reason } });
        return;
      }
      if (!dynamic) return;
      const hit = matchers.find((m) => m.re.test(source));
      if (hit) context.report({ node, messageId: 'module', data: { source, message: hit.message } });
    }

    return {
      ImportDeclaration: (node) => check(node.source, false),
      ExportNamedDeclaration: (node) => check(node.source, false),
      ExportAllDeclaration: (node) => check(node.source, false),
      ImportExpression: (node) => check(node.source, true),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require') check(node.arguments[0], true);
      },
    };
  },
};

const netwright = { rules: { 'import-boundaries': importBoundaries } };


// ---------------------------------------------------------------------------
// Globals for plain JS files (scripts/, bin/): whatever this Node defines.

const nodeGlobals = Object.fromEntries(
  Object.getOwnPropertyNames(globalThis)
    .filter((n) => /^[A-Za-z_$][\w$]*$/.test(n))
    .map((n) => [n, /** @type {const} */ ('readonly')]),
);
const commonJsGlobals = { require: 'readonly', module: 'readonly', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' };

const SHARED_GLOBALS = [
  ['window', 'shared/ runs outside the browser too.'],
  ['document', 'shared/ runs outside the browser too.'],
  ['navigator', 'shared/ runs outside the browser too.'],
  ['localStorage', 'shared/ runs outside the browser too.'],
  ['process', 'shared/ runs in the browser too; pass what you need as a parameter.'],
  ['require', 'shared/ is ESM and runtime-free; use import.'],
  ['Buffer', 'shared/ runs in the browser too; use Uint8Array.'],
  ['global', 'shared/ runs in the browser too; use globalThis if you must.'],
  ['__dirname', 'shared/ has no file system.'],
  ['__filename', 'shared/ has no file system.'],
].map(([name, message]) => ({ name, message: `${name}: ${message}` }));

// ---------------------------------------------------------------------------
// Layers inside main/, shared/ and the renderer. main/storage/ (run folders, project files, safe
// reads and writes) is below main/import/ and main/export/, which are below main/services/ (the
// back end), which the CLI, the host and the Electron app talk to.

const MAIN_RUNTIME = { folders: ['renderer'], modules: [ELECTRON] };
const SERVICES = { folder: 'main/services', reason: 'the service layer is above it; move what both need below (main/storage/).' };
const ENTRY_POINTS = ['main/cli', 'main/host', 'main/electron'].map((folder) => ({ folder, reason: 'an entry point is above everything else in main/.' }));
const LAYERS = [
  {
    files: ['main/storage/**'],
    runtime: MAIN_RUNTIME,
    below: [SERVICES, ...ENTRY_POINTS, ...['main/import', 'main/export'].map((folder) => ({ folder, reason: 'storage is below the importers and exporters.' }))],
  },
  { files: ['main/import/**', 'main/export/**', 'main/trainer/**'], runtime: MAIN_RUNTIME, below: [SERVICES, ...ENTRY_POINTS] },
  { files: ['main/services/**'], runtime: MAIN_RUNTIME, below: ENTRY_POINTS },
  {
    files: ['main/cli/**'],
    runtime: MAIN_RUNTIME,
    below: [
      ...['main/import', 'main/export'].map((folder) => ({ folder, reason: 'the command line goes through the service layer (main/services/backend.ts), as the app does.' })),
      { folder: 'main/electron', reason: 'the command line runs under plain Node.' },
    ],
  },
  {
    files: ['shared/training/**'],
    runtime: { folders: ['main', 'renderer'], modules: [NODE, ELECTRON, REACT, XYFLOW, TFJS, WS] },
    below: [{ folder: 'shared/api', reason: 'the API contract is built on shared/training, not the other way round (DatasetInfo lives in shared/training/dataset-info.ts).' }],
  },
  {
    files: ['renderer/src/graph/**'],
    runtime: { folders: ['main'], modules: [NODE, ELECTRON] },
    below: [{ folder: 'renderer/src/state', reason: 'graph helpers are below the store; pure graph code belongs in shared/graph/.' }],
  },
];

const WINDOW_API_MESSAGE = 'Only renderer/src/platform/ may touch window.api; import the platform layer instead.';

export default defineConfig([
  {
    ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'out/**', '.netwright-test/**'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    plugins: { netwright },
    linterOptions: { reportUnusedDisableDirectives: 'warn' },
    rules: {
      // Noisy rules: visible, not blocking. Architecture rules below stay errors.
      '@typescript-eslint/no-explicit-any': 'warn',
      'prefer-const': 'warn',
      '@typescript-eslint/no-unused-expressions': ['warn', { allowTernary: true, allowShortCircuit: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'no-restricted-imports': restrictedImports([], [IPC_ONLY]),
    },
  },
  {
    files: ['**/*.{js,mjs,cjs}'],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...nodeGlobals, ...commonJsGlobals } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },

  // shared/: runtime-free.
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': restrictedImports([NODE, ELECTRON, REACT, XYFLOW, TFJS, WS]),
      'no-restricted-globals': ['error', ...SHARED_GLOBALS],
      'netwright/import-boundaries': ['error', { folders: ['main', 'renderer'], modules: [NODE, ELECTRON, REACT, XYFLOW, TFJS, WS] }],
    },
  },

  // React's rules of hooks (eslint-plugin-react-hooks): hooks called unconditionally, effect
  // dependencies complete. The plugin's React Compiler rules (refs, set-state-in-effect...) are not
  // turned on yet: they report patterns the canvas and dashboards use on purpose (latest-value refs).
  {
    files: ['renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },

  // renderer/: the browser.
  {
    files: ['renderer/**'],
    rules: {
      'no-restricted-imports': restrictedImports([
        NODE,
        { ...ELECTRON, message: 'The renderer has no Electron access; use the platform layer (renderer/src/platform/).' },
      ]),
      'netwright/import-boundaries': ['error', { folders: ['main'], modules: [NODE, ELECTRON] }],
    },
  },
  {
    files: ['renderer/**'],
    ignores: ['renderer/src/platform/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'window', property: 'api', message: WINDOW_API_MESSAGE },
        { object: 'globalThis', property: 'api', message: WINDOW_API_MESSAGE },
        { object: 'self', property: 'api', message: WINDOW_API_MESSAGE },
      ],
      'no-restricted-syntax': [
        'error',
        {
          // (window as X).api, window!.api, (window satisfies X).api
          selector:
            "MemberExpression[property.name='api'][object.type=/^TS(As|NonNull|Satisfies)Expression$/][object.expression.name=/^(window|globalThis|self)$/]",
          message: WINDOW_API_MESSAGE,
        },
      ],
    },
  },

  // main/: Node; Electron only in main/electron/, raw IPC only in two files.
  {
    files: ['main/**'],
    ignores: ['main/electron/**'],
    rules: {
      'no-restricted-imports': restrictedImports([
        { ...ELECTRON, message: 'Only main/electron/ may import electron: the rest of main/ also runs under plain Node (netwright serve, the trainer).' },
      ]),
      'netwright/import-boundaries': ['error', { folders: ['renderer'], modules: [ELECTRON] }],
    },
  },
  {
    files: ['main/electron/**'],
    rules: {
      'netwright/import-boundaries': ['error', { folders: ['renderer'] }],
    },
  },
  {
    files: ['main/electron/ipc-main.ts', 'main/electron/preload.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },

  // Layers inside a runtime (same rule, `layers`): a folder imports only what is below it. Tests may
  // reach across (an exporter's test may build a back end); the code they test may not.
  ...LAYERS.map(({ files, runtime, below }) => ({
    files,
    ignores: ['**/*.test.ts', '**/*.test.tsx'],
    rules: { 'netwright/import-boundaries': ['error', { ...runtime, layers: below }] },
  })),
]);
