// Measures scanPrompt per 4 KB prompt on the gateway path (budget: p99 ≤ 0.2 ms) over realistic
// mixed Korean/English prompts with some PII, and over pathological inputs built to stress the
// scanner (long digit runs, digits and dashes, every-position candidates). Writes pii-scan.md.
//
//   node test/bench/isolation/pii-scan.bench.mjs [--prompts 20000] [--out path.md]
//
// The policy lib is compiled with swc into a temporary directory rather than read from dist/, so
// the benchmark never depends on, or races with, someone else's `node tools/build.mjs`.
import { transformFileSync } from '@swc/core';
import { mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../../..');
const args = new Map(process.argv.slice(2).flatMap((arg, index, all) => (arg.startsWith('--') ? [[arg.slice(2), all[index + 1]]] : [])));
const PROMPT_COUNT = Number(args.get('prompts') ?? 20000);
const OUT = path.resolve(args.get('out') ?? path.join(import.meta.dirname, 'pii-scan.md'));
const PROMPT_LENGTH = 4096;
const DISTINCT_PROMPTS = 2000;
const PATHOLOGICAL_RUNS = 2000;
const WARMUP_RUNS = 3000;
const BUDGET_MICROS = 200;

function compilePolicyLib() {
  const source = path.join(root, 'libs/domain/policy/src');
  const target = mkdtempSync(path.join(os.tmpdir(), 'policy-bench-'));
  const swcrc = JSON.parse(readFileSync(path.join(root, '.swcrc'), 'utf8'));
  const walk = (dir) =>
    readdirSync(dir).flatMap((name) => {
      const full = path.join(dir, name);
      return statSync(full).isDirectory() ? walk(full) : name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [full] : [];
    });
  for (const file of walk(source)) {
    const { code } = transformFileSync(file, { ...swcrc, swcrc: false, sourceMaps: false });
    const out = path.join(target, path.relative(source, file)).replace(/\.ts$/, '.js');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, code);
  }
  return { lib: createRequire(import.meta.url)(path.join(target, 'index.js')), cleanup: () => rmSync(target, { recursive: true, force: true }) };
}

// Deterministic prompts: the same seed gives the same corpus on every machine.
function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = mulberry32(20250601);
const pick = (items) => items[Math.floor(random() * items.length)];
const digits = (count) => Array.from({ length: count }, () => Math.floor(random() * 10)).join('');

function rrn() {
  const weights = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
  const year = 1950 + Math.floor(random() * 70);
  const first12 =
    `${String(year % 100).padStart(2, '0')}${String(1 + Math.floor(random() * 12)).padStart(2, '0')}` +
    `${String(1 + Math.floor(random() * 28)).padStart(2, '0')}${year >= 2000 ? pick([3, 4]) : pick([1, 2])}${digits(5)}`;
  const sum = [...first12].reduce((total, digit, index) => total + Number(digit) * weights[index], 0);
  return `${first12.slice(0, 6)}-${first12.slice(6)}${(11 - (sum % 11)) % 10}`;
}
function card() {
  const body = pick(['4', '5', '9']) + digits(14);
  let sum = 0;
  [...body].reverse().forEach((character, index) => {
    const doubled = Number(character) * (index % 2 === 0 ? 2 : 1);
    sum += doubled > 9 ? doubled - 9 : doubled;
  });
  const number = `${body}${(10 - (sum % 10)) % 10}`;
  return pick([' ', '-', '']) === '' ? number : number.match(/.{4}/g).join(pick([' ', '-']));
}
const PII = [
  () => `주민등록번호 ${rrn()}`,
  () => `카드번호 ${card()}`,
  () => `연락처 010-${digits(4)}-${digits(4)}`,
  () => `+82 10 ${digits(4)} ${digits(4)}`,
  () => `신한은행 110-${digits(3)}-${digits(6)}`,
  () => `카카오뱅크 계좌 3333-${digits(2)}-${digits(7)}`,
  () => `사무실 02-${2 + Math.floor(random() * 8)}${digits(2)}-${digits(4)}`,
];
const SENTENCES = [
  () =>
    `2024년 ${1 + Math.floor(random() * 12)}월 기준 가계대출 잔액은 ${digits(3)}조 ${digits(1)},${digits(3)}억 원으로 전월 대비 ${digits(1)}.${digits(1)}% 증가했습니다.`,
  () => '고객님의 신용등급 산정 기준과 대출 한도 산출 방식을 요약해 주세요. 내부 규정 제12조 3항을 참고합니다.',
  () => `Summarise the Q${1 + Math.floor(random() * 4)} risk report: NPL ratio ${digits(1)}.${digits(2)}%, CET1 ${digits(2)}.${digits(1)}%, LCR ${digits(3)}%.`,
  () =>
    `주문번호 ORD-${digits(8)}-${digits(6)} 건의 환불 처리 상태를 확인해 주세요. 접수일 2024-${digits(2)}-${digits(2)} ${digits(2)}:${digits(2)}:${digits(2)}.`,
  () => 'Please draft a polite reply to the customer explaining the new overdraft fee schedule and the appeal process.',
  () =>
    `서버 ${10 + Math.floor(random() * 200)}.${digits(2)}.${digits(1)}.${digits(2)} 의 응답 시간이 ${digits(3)} ms 로 증가했습니다. 버전 v${digits(1)}.${digits(2)}.${digits(1)} 배포 이후입니다.`,
  () => `| 상품 | 금리 | 한도 |\n|---|---|---|\n| 직장인 신용대출 | 연 ${digits(1)}.${digits(2)}% | ${digits(2)},000만 원 |`,
  () => `ISBN 978-89-${digits(4)}-${digits(3)}-${digits(1)} 도서의 요약과 금융 규제 관련 장의 핵심 내용을 정리해 주세요.`,
  () => 'The separated network (망분리) policy requires that internal systems never reach the internet directly.',
  () => `const limit = ${digits(5)}; // 1회 이체 한도, timestamp ${digits(13)}`,
  () => '금융보안원 가이드라인에 따라 생성형 AI 이용 시 개인신용정보는 가명처리 후 활용해야 합니다.',
];

// Typography and disguises that send a prompt through normalisation (issue 10 §5): curly quotes,
// middle dots, ellipses, emoji with variation selectors, full-width text, and PII written with
// full-width or Arabic-Indic digits, en dashes, Unicode minus, zero-width spaces or spaced digits.
const FULL_WIDTH = (text) => text.replace(/[0-9-]/g, (character) => String.fromCharCode(character === '-' ? 0xff0d : 0xff10 + Number(character)));
const ARABIC_INDIC = (text) => text.replace(/[0-9]/g, (character) => String.fromCharCode(0x0660 + Number(character)));
const DISGUISED_PII = [
  () => `주민등록번호 ${FULL_WIDTH(rrn())}`,
  () => `주민번호 ${rrn().replace('-', '\u2013')}`,
  () => `카드번호 ${card().replace(/-/g, '\u2212')}`,
  () => `카드 ${[...card()].join('\u200b')}`,
  () => `연락처 ${ARABIC_INDIC(`010-${digits(4)}-${digits(4)}`)}`,
  () => `전화 ${[...`010${digits(8)}`].join(' ')}`,
  () => `입금 계좌 110\u00b7${digits(3)}\u00b7${digits(6)}`,
];
const UNICODE_SENTENCES = [
  () => '“고객 상담 내용을 요약해 주세요” — 담당자 메모… 확인 부탁드립니다 👍️',
  () => `‘대출 한도’ · ‘금리’ · ‘상환 방식’을 비교한 표를 만들어 주세요. 기준일 ${FULL_WIDTH(`2024-${digits(2)}-${digits(2)}`)}`,
  () => 'Ｆｕｌｌ－ｗｉｄｔｈ ｔｅｘｔ ｆｒｏｍ ａ ｌｅｇａｃｙ ｓｙｓｔｅｍ：　ＯＫ',
  () => `The customer’s balance was ₩${digits(3)},${digits(3)} — see the “overdraft” policy ① and ②.`,
];

function realisticPrompt(unicode = false) {
  const parts = [];
  let length = 0;
  const piiCount = random() < 0.3 ? 1 + Math.floor(random() * 4) : 0;
  const piiPositions = new Set(Array.from({ length: piiCount }, () => Math.floor(random() * 30)));
  for (let index = 0; length < PROMPT_LENGTH; index++) {
    const sentence = unicode && random() < 0.3 ? pick(UNICODE_SENTENCES) : pick(SENTENCES);
    const part = piiPositions.has(index) ? `${sentence()} ${pick(unicode && random() < 0.7 ? DISGUISED_PII : PII)()}.` : sentence();
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join('\n').slice(0, PROMPT_LENGTH);
}

const repeat = (unit) => unit.repeat(Math.ceil(PROMPT_LENGTH / unit.length)).slice(0, PROMPT_LENGTH);
const PATHOLOGICAL = {
  'one 4096-digit run': repeat('0123456789'),
  'digits and dashes 1-2-3-…': repeat('1-'),
  'digits and dashes, random': Array.from({ length: PROMPT_LENGTH }, () => (random() < 0.7 ? digits(1) : '-')).join(''),
  'digits, dashes, spaces, dots, +82, random': Array.from({ length: PROMPT_LENGTH }, () => pick(['0', '1', '8', '2', '5', '-', ' ', '.', '+', '9'])).join(''),
  'space-separated 4-digit groups': repeat('1234 '),
  'valid cards back to back (all masked)': repeat('4111 1111 1111 1111 '),
  'mobile numbers back to back (all masked)': repeat('010-1234-5678 '),
  'account shapes with keywords (keyword check each)': repeat('계좌 110-123-456789 '),
  'unknown-IIN Luhn runs (keyword check each)': repeat('1234567890123452 '),
  '13-digit runs (RRN check each)': repeat('9001011234567 '),
  'Hangul only, no digits': repeat('금융보안원 생성형 인공지능 '),
  'full-width digits and dashes (normalised)': repeat('９－'),
  'zero-width space after every digit (read twice)': repeat('1\u200b'),
  'JSON \\u escapes of digits (decoded)': repeat('\\u0031'),
  'mathematical digits, spaced (normalised, merged)': repeat('𝟗 '),
  'a distinct non-ASCII character each time': Array.from({ length: PROMPT_LENGTH }, (_, index) => String.fromCodePoint(0x4e00 + index * 7)).join(''),
};

function measure(scanPrompt, settings, inputs, runs) {
  const micros = new Float64Array(runs);
  // Each input's fastest run: what the input itself costs, without preemption by other processes.
  const best = new Float64Array(inputs.length).fill(Infinity);
  let findings = 0;
  const cpuBefore = process.cpuUsage();
  for (let run = 0; run < runs; run++) {
    const text = inputs[run % inputs.length];
    const start = performance.now();
    const scan = scanPrompt(text, settings);
    micros[run] = (performance.now() - start) * 1000;
    best[run % inputs.length] = Math.min(best[run % inputs.length], micros[run]);
    for (const finding of scan.findings) findings += finding.count;
  }
  const cpu = process.cpuUsage(cpuBefore);
  micros.sort();
  best.sort();
  const at = (quantile) => micros[Math.min(runs - 1, Math.floor(quantile * runs))];
  const bestP99 = best[Math.min(best.length - 1, Math.floor(0.99 * best.length))];
  return { runs, p50: at(0.5), p99: at(0.99), max: micros[runs - 1], bestP99, cpuMean: (cpu.user + cpu.system) / runs, findings };
}

const loadBefore = os.loadavg()[0];
const { lib, cleanup } = compilePolicyLib();
try {
  const { scanPrompt, decideRequest, DEFAULT_POLICY } = lib;
  const gatewayRequest = {
    classification: 'personal-credit',
    institutionCeiling: 'personal-credit',
    endpoint: { hosting: 'shared-infrastructure', region: 'KR', networkZone: 'internal' },
  };
  const now = new Date();
  // decideRequest has scanPrompt's shape for measure(): (prompt, _) → result with findings.
  const decide = (prompt) => decideRequest(DEFAULT_POLICY, gatewayRequest, [prompt], now).decision;
  const settings = DEFAULT_POLICY.pii.defaults;
  const permissive = { ...settings, rrn: { mode: 'mask', validateChecksum: false } };
  const prompts = Array.from({ length: DISTINCT_PROMPTS }, () => realisticPrompt());
  const withPii = prompts.filter((prompt) => scanPrompt(prompt, settings).findings.length > 0).length;
  const unicodePrompts = Array.from({ length: DISTINCT_PROMPTS }, () => realisticPrompt(true));
  const unicodeWithPii = unicodePrompts.filter((prompt) => scanPrompt(prompt, settings).findings.length > 0).length;

  measure(scanPrompt, settings, prompts, WARMUP_RUNS);
  const realistic = [
    [
      `realistic prompts (${PROMPT_COUNT} scans, ${DISTINCT_PROMPTS} distinct, ${Math.round((100 * withPii) / DISTINCT_PROMPTS)}% with PII), default settings`,
      measure(scanPrompt, settings, prompts, PROMPT_COUNT),
    ],
    ['realistic prompts, RRN checksum off', measure(scanPrompt, permissive, prompts, PROMPT_COUNT)],
    [
      `realistic prompts with Unicode typography, ${Math.round((100 * unicodeWithPii) / DISTINCT_PROMPTS)}% with PII, most of it disguised (normalised copy)`,
      measure(scanPrompt, settings, unicodePrompts, PROMPT_COUNT),
    ],
    ['realistic prompts, whole `decideRequest` (policy + scan + decision record)', measure(decide, undefined, prompts, PROMPT_COUNT)],
  ];
  const pathological = Object.entries(PATHOLOGICAL).map(([name, text]) => [`pathological: ${name}`, measure(scanPrompt, settings, [text], PATHOLOGICAL_RUNS)]);
  const rows = [...realistic, ...pathological];

  const format = (value) => value.toFixed(1);
  const worstP99 = Math.max(...realistic.map(([, result]) => result.p99));
  const worstBestP99 = Math.max(...realistic.map(([, result]) => result.bestP99));
  const worstPathologicalCpu = Math.max(...pathological.map(([, result]) => result.cpuMean));
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  const report = [
    '# PII scan benchmark (`scanPrompt`, 4 KB prompts)',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Command: \`node test/bench/isolation/pii-scan.bench.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}\``,
    `- Machine: ${cpu}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.platform()} ${os.release()}`,
    `- Runtime: Node ${process.version}, lib compiled with swc (.swcrc), ${WARMUP_RUNS} warm-up scans`,
    `- Prompt size: ${PROMPT_LENGTH} characters (≥ 4 KB; Hangul is 3 bytes in UTF-8). Settings: the default policy's PII defaults (every detector \`mask\`, RRN checksum on) unless noted.`,
    `- Load average (1 min) before / after: ${loadBefore.toFixed(2)} / ${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores. Other processes`,
    '  preempting the benchmark show up in p99 and max; "CPU µs/scan" is this process\'s CPU time (user + system,',
    '  including GC) divided by scans, which preemption does not inflate.',
    `- Budget (gateway path, realistic prompts): p99 ≤ ${BUDGET_MICROS} µs. Worst realistic p99: ${format(worstP99)} µs — ${worstP99 <= BUDGET_MICROS ? 'within budget' : 'over budget'};`,
    `  worst realistic p99 of each prompt's best run (the prompts' own cost, without preemption): ${format(worstBestP99)} µs — ${worstBestP99 <= BUDGET_MICROS ? 'within budget' : 'OVER BUDGET'}.`,
    `- Pathological inputs have no budget of their own; they show the scan stays linear. Highest CPU µs/scan: ${format(worstPathologicalCpu)}.`,
    '',
    '| input | scans | p50 µs | p99 µs | max µs | p99 of best µs | CPU µs/scan | matches/scan |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      ([name, result]) =>
        `| ${name} | ${result.runs} | ${format(result.p50)} | ${format(result.p99)} | ${format(result.max)} | ${format(result.bestP99)} | ${format(result.cpuMean)} | ${(result.findings / result.runs).toFixed(2)} |`,
    ),
    '',
    'Timings are per `scanPrompt` call, measured with `performance.now()` around each call, so they include',
    'normalising the copy the detectors read (NFKC, digits of every script, invisible characters, JSON escapes;',
    'plain ASCII/Hangul text skips it after one regular-expression test) and building the masked text. `max`',
    'includes garbage-collection pauses and is not part of the budget. "p99 of best" takes each distinct input\'s',
    `fastest run (realistic corpora: ${PROMPT_COUNT / DISTINCT_PROMPTS} runs of each of ${DISTINCT_PROMPTS} prompts) and reports the 99th percentile over inputs.`,
    '',
  ].join('\n');
  writeFileSync(OUT, report);
  console.log(report);
  if (worstBestP99 > BUDGET_MICROS) process.exitCode = 1;
} finally {
  cleanup();
}
