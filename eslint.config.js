import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules', '.data', 'bench/results', 'dist', 'clients/typescript/schema.ts'] }),
  {
    rules: {
      // TypeBox's idiom names a schema and its static type alike (`const User` / `type User`);
      // TypeScript itself rejects real redeclarations.
      '@typescript-eslint/no-redeclare': 'off',
      // One import statement per module (a type-only import beside a value import is fine).
      'no-duplicate-imports': ['error', { allowSeparateTypeImports: true }]
    }
  }
]
