import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

const DEPLOY = join(__dirname, '../../../../deploy/observability');

const PROMQL_FUNCTIONS = new Set([
  'rate',
  'irate',
  'increase',
  'sum',
  'max',
  'min',
  'avg',
  'count',
  'histogram_quantile',
  'absent',
  'label_values',
  'topk',
  'bottomk',
  'clamp_min',
  'clamp_max',
  'delta',
  'deriv',
  'time',
  'timestamp',
  'avg_over_time',
  'max_over_time',
  'min_over_time',
  'vector',
  'scalar',
]);
const PROMQL_KEYWORDS = new Set(['and', 'or', 'unless', 'by', 'on', 'without', 'ignoring', 'group_left', 'group_right', 'bool', 'offset']);
const AGGREGATIONS = new Set(['sum', 'max', 'min', 'avg', 'count', 'topk', 'bottomk']);

/** Every PromQL expression of the dashboards (panel targets and variable queries). */
export function dashboardExpressions(): { source: string; expr: string }[] {
  const found: { source: string; expr: string }[] = [];
  for (const file of readdirSync(join(DEPLOY, 'dashboards')).filter((name) => name.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(DEPLOY, 'dashboards', file), 'utf8'));
    for (const panel of dashboard.panels) for (const target of panel.targets) found.push({ source: `${file}: ${panel.title}`, expr: target.expr });
    for (const variable of dashboard.templating.list) if (variable.type === 'query') found.push({ source: `${file}: $${variable.name}`, expr: variable.query });
  }
  return found;
}

export function ruleExpressions(): { alert: string; expr: string }[] {
  const rules = parseYaml(readFileSync(join(DEPLOY, 'alert-rules.yaml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return rules.groups.flatMap((group) => group.rules.map(({ alert, expr }) => ({ alert, expr })));
}

/** The expression without strings, label matchers, grouping clauses and range selectors. */
function skeleton(expr: string): string {
  return expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\b(by|on|without|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1')
    .replace(/\[[^\]]*\]/g, '');
}

/** Metric names an expression selects (a `_bucket`/`_count`/`_sum` series counts as its own name). */
export function metricNamesOf(expr: string): string[] {
  const names: string[] = [];
  // label_values(metric, label): the second argument is a label name.
  const shape = skeleton(expr).replace(/label_values\(([^,)]+),[^)]*\)/g, 'label_values($1)');
  const tokens = shape.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\(|\s+(?:by|without)\b)?/g);
  for (const [, name, call] of tokens) {
    if (call || PROMQL_KEYWORDS.has(name) || /^\d/.test(name)) continue;
    names.push(name);
  }
  return names;
}

export function metricNamesUsedByDeploy(): Set<string> {
  return new Set([...dashboardExpressions(), ...ruleExpressions()].flatMap(({ expr }) => metricNamesOf(expr)));
}

/**
 * A structural PromQL check (no PromQL parser is installed: an npm one would be a new dependency):
 * balanced brackets, known functions, valid range durations, label matchers of the form
 * name op "value", grouping only after an aggregation, no dangling operator. Returns the problems.
 */
export function checkPromQl(expr: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  let inString = false;
  for (let i = 0; i < expr.length; i++) {
    const char = expr[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
      continue;
    }
    if (char === '"') inString = true;
    else if ('([{'.includes(char)) stack.push(char);
    else if (')]}'.includes(char) && stack.pop() !== pairs[char]) problems.push(`unbalanced ${char} at ${i}`);
  }
  if (inString) problems.push('unterminated string');
  if (stack.length) problems.push(`unclosed ${stack.join('')}`);
  for (const [, range] of expr.matchAll(/\[([^\]]*)\]/g)) if (!/^\d+[smhdwy]$/.test(range)) problems.push(`bad range [${range}]`);
  for (const [, body] of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""').matchAll(/\{([^}]*)\}/g)) {
    for (const matcher of body
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)) {
      if (!/^[a-zA-Z_][a-zA-Z0-9_]*\s*(=~|!~|!=|=)\s*""$/.test(matcher)) problems.push(`bad label matcher ${matcher}`);
    }
  }
  const shape = skeleton(expr);
  for (const [, name] of shape.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*\(/g)) {
    if (!PROMQL_FUNCTIONS.has(name) && !PROMQL_KEYWORDS.has(name)) problems.push(`unknown function ${name}`);
  }
  for (const [, before] of shape.matchAll(/([a-zA-Z_0-9)]*)\s+(?:by|without)\b/g)) {
    if (!AGGREGATIONS.has(before)) problems.push(`grouping after ${before || 'nothing'}`);
  }
  if (/(^|[(,])\s*(and|or|unless|[*/+\-<>]|==|!=|>=|<=)\s/.test(shape) || /(and|or|unless|[*/+\-<>=])\s*($|\))/.test(shape.trim())) {
    problems.push('dangling operator');
  }
  return problems;
}
