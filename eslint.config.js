// Lint rules, and the architecture's arrows (STYLE.md §1): each folder may import only
// from the folders below it. A blocked import is a design question.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** Folders of src/ each folder must not import from. */
const forbidden = {
  wire: ['metadata', 'engine', 'store', 'http', 'sdk', 'client', 'cli', 'oidc-provider'],
  metadata: ['engine', 'store', 'http', 'sdk', 'client', 'cli', 'oidc-provider'],
  engine: ['store', 'http', 'sdk', 'client', 'cli', 'oidc-provider'],
  store: ['metadata', 'http', 'sdk', 'client', 'cli', 'oidc-provider'],
  http: ['store', 'sdk', 'client', 'cli', 'oidc-provider'],
  sdk: ['metadata', 'engine', 'store', 'http', 'client', 'cli', 'oidc-provider'],
  client: ['metadata', 'engine', 'store', 'http', 'sdk', 'cli', 'oidc-provider'],
  cli: ['oidc-provider'],
  // The adapter for node-oidc-provider reads clients through the SDK and maps them with
  // metadata/'s one Authlete table; it never imports oidc-provider itself.
  'oidc-provider': ['engine', 'store', 'http', 'client', 'cli'],
}
const folders = Object.keys(forbidden)

/** Relative spellings of a path into another folder, from any depth of src/. */
const fromAnyDepth = (path) => ['../', '../../', '../../../'].map((up) => up + path)

/**
 * Inner files a folder may import from another folder all the same, and why. The SDK runs
 * without TypeBox: wire/index.js exports the schemas, and loading TypeBox and building them
 * turns the SDK's 7 ms import into about 60 ms; these two files hold its run-time needs
 * (the JSON helpers, the DCR actions) and import nothing.
 */
const allowedInnerFiles = {
  sdk: ['wire/json.js', 'wire/authlete.js', 'wire/policy-presets.js'],
}

/**
 * A folder's index.ts is its public face (STYLE.md §1): from another folder, only
 * `folder/index.js` may be imported, never its inner files.
 */
const deepImportOf = (folder, name) => ({
  group: [
    ...fromAnyDepth(`${name}/*`),
    ...[`${name}/index.js`, ...(allowedInnerFiles[folder] ?? [])]
      .filter((path) => path.startsWith(`${name}/`))
      .flatMap(fromAnyDepth)
      .map((path) => `!${path}`),
  ],
  message: `import src/${name} through its index.js, its public face (STYLE.md §1).`,
})

const layerRules = Object.entries(forbidden).map(([folder, blocked]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: [
          ...blocked.map((name) => ({
            group: [`**/${name}/*`, `**/${name}`, `../${name}/*`],
            message: `src/${folder} must not import from src/${name} (STYLE.md §1).`,
          })),
          ...folders
            .filter((name) => name !== folder && !blocked.includes(name))
            .map((name) => deepImportOf(folder, name)),
        ],
      },
    ],
    ...(folder === 'cli'
      ? {}
      : {
          'no-restricted-globals': [
            'error',
            { name: 'process', message: 'Only src/cli reads process (STYLE.md §5).' },
          ],
        }),
  },
}))

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  ...layerRules,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
)
