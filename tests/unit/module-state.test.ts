// No mutable state at module level under src/: what the register keeps between requests lives in
// the app's services (src/services.ts), built once per process or isolate and once per test app.
// Read from the syntax tree (TypeScript's parser), not by pattern over the text.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/**
 * Kept on purpose, with the reason. A memo of a pure function of its key: its answers never
 * depend on what was asked before, so it behaves as the constant table it stands for.
 */
const ALLOWED: Record<string, string> = {};

const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);
const MUTATORS = new Set(['set', 'add', 'delete', 'clear', 'push', 'pop', 'shift', 'unshift', 'splice', 'fill', 'sort', 'reverse', 'copyWithin']);
/** factories of plain descriptions, not of state */
const PURE_FACTORIES = new Set(['createRoute']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

function unwrap(node: ts.Expression): ts.Expression {
  while (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node) || ts.isNonNullExpression(node)) node = node.expression;
  return node;
}

const isFunctionLike = (node: ts.Node) => ts.isFunctionLike(node) || ts.isClassStaticBlockDeclaration(node);

/** Mutable module-level state in one file: `name: why`. */
export function moduleState(fileName: string, text: string): string[] {
  const file = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const constants = new Map<string, ts.Expression | undefined>();

  for (const statement of file.statements) {
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    const isConst = (list.flags & ts.NodeFlags.Const) !== 0;
    for (const declaration of list.declarations) {
      if (!ts.isIdentifier(declaration.name)) continue;
      const name = declaration.name.text;
      if (!isConst) {
        found.push(`${name}: a top-level ${list.flags & ts.NodeFlags.Let ? 'let' : 'var'}`);
        continue;
      }
      const init = declaration.initializer && unwrap(declaration.initializer);
      constants.set(name, init);
      if (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression) && COLLECTIONS.has(init.expression.text) && !init.arguments?.length) {
        found.push(`${name}: an empty ${init.expression.text} at the top level, there to be filled`);
      } else if (init && ts.isCallExpression(init) && ts.isIdentifier(init.expression) && /^create[A-Z]/.test(init.expression.text) && !PURE_FACTORIES.has(init.expression.text)) {
        found.push(`${name}: ${init.expression.text}() at the top level`);
      }
    }
  }

  // a top-level constant changed from inside a function is state kept between calls
  const mutated = new Set<string>();
  const visit = (node: ts.Node, inFunction: boolean): void => {
    const inside = inFunction || isFunctionLike(node);
    if (inside) {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ts.isIdentifier(node.expression.expression)) {
        const target = node.expression.expression.text;
        if (constants.has(target) && MUTATORS.has(node.expression.name.text)) mutated.add(target);
      }
      if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        const left = node.left;
        if ((ts.isElementAccessExpression(left) || ts.isPropertyAccessExpression(left)) && ts.isIdentifier(left.expression) && constants.has(left.expression.text)) mutated.add(left.expression.text);
      }
    }
    ts.forEachChild(node, (child) => visit(child, inside));
  };
  visit(file, false);
  for (const name of mutated) if (!found.some((f) => f.startsWith(`${name}:`))) found.push(`${name}: a top-level constant changed inside a function`);
  return found;
}

describe('module-level state under src/', () => {
  it('finds what it must find (the rules themselves)', () => {
    const text = [
      'let generation = 0;',
      'const cache = new Map<string, number>();',
      'const seen = new WeakMap();',
      'const lists = createStatusListCache();',
      "const TERMS = new Set(['a', 'b']);",
      'const HEX: string[] = [];',
      'const TABLE = new Uint8Array(4); TABLE[0] = 1;',
      "const route = createRoute({ path: '/' });",
      'export function f(k: string) { HEX[1] ??= k; return TERMS.has(k) && TABLE[0]; }',
    ].join('\n');
    expect(moduleState('example.ts', text).map((f) => f.split(':')[0])).toEqual(['generation', 'cache', 'seen', 'lists', 'HEX']);
  });

  it('holds none, apart from the few kept on purpose (listed with their reason)', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((path) => {
      const name = relative(SRC, path).split('\\').join('/');
      return moduleState(name, readFileSync(path, 'utf8'))
        .map((f) => `${name}:${f}`)
        .filter((f) => !ALLOWED[f.slice(0, f.indexOf(':', name.length + 1))]);
    });
    expect(found).toEqual([]);
  });
});
