import neostandard from 'neostandard'

export default [
  ...neostandard({ ts: true, ignores: ['node_modules', '.data', 'bench/results'] }),
  {
    rules: {
      // TypeBox's idiom names a schema and its static type alike (`const User` / `type User`);
      // TypeScript itself rejects real redeclarations.
      '@typescript-eslint/no-redeclare': 'off'
    }
  }
]
