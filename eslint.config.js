// Lint rules, and the architecture's arrows (STYLE.md §1): each folder may import only
// from the folders below it. A blocked import is a design question.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

/** Folders of src/ each folder must not import from. */
const forbidden = {
  wire: ['metadata', 'engine', 'store', 'http', 'sdk', 'client', 'cli'],
  metadata: ['engine', 'store', 'http', 'sdk', 'client', 'cli'],
  engine: ['store', 'http', 'sdk', 'client', 'cli'],
  store: ['metadata', 'http', 'sdk', 'client', 'cli'],
  http: ['store', 'sdk', 'client', 'cli'],
  sdk: ['metadata', 'engine', 'store', 'http', 'client', 'cli'],
  client: ['metadata', 'engine', 'store', 'http', 'sdk', 'cli'],
}

const layerRules = Object.entries(forbidden).map(([folder, blocked]) => ({
  files: [`src/${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: blocked.map((name) => ({
          group: [`**/${name}/*`, `**/${name}`, `../${name}/*`],
          message: `src/${folder} must not import from src/${name} (STYLE.md §1).`,
        })),
      },
    ],
    'no-restricted-globals': [
      'error',
      { name: 'process', message: 'Only src/cli reads process (STYLE.md §5).' },
    ],
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
