// Admission estimate vs the model simulator's token count on Korean text (issue 11 §1), and the
// estimate's cost on the gateway's request path. See korean-estimate.md.
//
//   node -r ./tools/register-ts.cjs test/bench/quota/korean-estimate.bench.ts [--corpus <utf-8 file>]
//
// The default corpus is the seed deck (../shared/seed/000_d52c2a31b9c97bec.txt next to the repo):
// each non-empty line is one prompt. Built-in Korean banking prompts are always measured too.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { countTokens, estimateChatRequest, estimateTextTokens, TOKENS_FOR_REPLY_PRIMING, TOKENS_PER_MESSAGE } from '@ai-commons/token-count';

const root = path.resolve(__dirname, '../../..');
const corpusFlag = process.argv.indexOf('--corpus');
const corpusPath = corpusFlag > 0 ? process.argv[corpusFlag + 1]! : path.resolve(root, '../shared/seed/000_d52c2a31b9c97bec.txt');

const BANKING_PROMPTS = [
  '안녕하세요, 제 계좌 잔액 조회 부탁드립니다.',
  '지난달 카드 사용 내역을 항목별로 요약해 주세요.',
  '주택담보대출 금리가 변동금리에서 고정금리로 바뀌면 월 상환액은 얼마나 달라지나요?',
  '2024년 3분기 순이익은 1,234억 원으로 전년 동기 대비 12.5% 증가했습니다. 주요 원인을 설명해 주세요.',
  '개인신용정보의 제3자 제공 동의 철회 절차를 알려주세요.',
  '퇴직연금 IRP 계좌로 이전할 때 세액공제 한도는 연 900만 원인가요?',
  '외화 예금 환율 우대 조건과 수수료를 비교해 주세요: 미국 달러, 일본 엔화, 유로.',
  '보험금 청구 시 필요한 서류: 진단서, 입퇴원 확인서, 영수증 — 빠진 것이 있나요?',
  '고객님의 신용점수는 850점이며, 대출 한도는 최대 5천만 원입니다.',
  '망분리 환경에서 생성형 AI를 사용할 때 금융보안원 가이드라인의 핵심 요구사항은 무엇인가요?',
  '이 문장을 영어로 번역해 주세요: "본 상품은 예금자보호법에 따라 1인당 최고 5천만 원까지 보호됩니다."',
  'ㅋㅋㅋ 감사합니다!! 😀 다음 주에 다시 문의드릴게요~',
];

interface Row {
  corpus: string;
  prompts: number;
  characters: number;
  simulator: number;
  estimate: number;
  old: number;
  minRatio: number;
  oldUnder: number;
}

function measure(corpus: string, prompts: string[]): Row {
  let characters = 0,
    simulator = 0,
    estimate = 0,
    old = 0,
    minRatio = Infinity,
    oldUnder = 0;
  for (const text of prompts) {
    // Whole chat requests, as the gateway estimates them and the simulator counts them.
    const counted = TOKENS_FOR_REPLY_PRIMING + TOKENS_PER_MESSAGE + countTokens('user') + countTokens(text);
    const estimated = estimateChatRequest({ messages: [{ role: 'user', content: text }] }, { imageTokens: 765 }, 0).promptTokens;
    const before = Math.ceil(text.length / 2);
    characters += text.length;
    simulator += counted;
    estimate += estimated;
    old += before;
    minRatio = Math.min(minRatio, estimated / counted);
    if (before < counted) oldUnder++;
  }
  return { corpus, prompts: prompts.length, characters, simulator, estimate, old, minRatio, oldUnder };
}

const rows: Row[] = [measure('built-in Korean banking prompts', BANKING_PROMPTS)];
if (existsSync(corpusPath)) {
  const lines = readFileSync(corpusPath, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  rows.push(measure(`seed deck (${path.basename(corpusPath)}), one prompt per line`, lines));
  rows.push(measure('seed deck, whole text as one prompt', [readFileSync(corpusPath, 'utf8')]));
} else {
  console.error(`corpus ${corpusPath} not found: built-in prompts only`);
}

const fixed = (value: number, digits = 3) => value.toFixed(digits);
console.log(
  '| corpus | prompts | characters | simulator tokens | estimate | estimate / simulator | lowest per prompt | characters ÷ 2 (before) | ÷ 2 / simulator | prompts ÷ 2 undercounted |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const row of rows) {
  console.log(
    `| ${row.corpus} | ${row.prompts} | ${row.characters} | ${row.simulator} | ${row.estimate} | ${fixed(row.estimate / row.simulator)} | ${fixed(row.minRatio)} | ${row.old} | ${fixed(row.old / row.simulator)} | ${row.oldUnder} of ${row.prompts} |`,
  );
}

// Cost on the request path: estimating a 4 KB Korean prompt and the 4 MiB body limit.
function timePerCall(text: string, iterations: number): number {
  for (let i = 0; i < Math.min(iterations, 1_000); i++) estimateTextTokens(text);
  const started = process.hrtime.bigint();
  let sink = 0;
  for (let i = 0; i < iterations; i++) sink += estimateTextTokens(text);
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (sink < 0) console.log(sink);
  return elapsed / iterations;
}
const korean = BANKING_PROMPTS.join(' ');
const fourKb = korean.repeat(Math.ceil(4_096 / Buffer.byteLength(korean))).slice(0, 1_400); // ≈ 4 KB of UTF-8
const fourMiB = korean.repeat(Math.ceil((4 * 1024 * 1024) / Buffer.byteLength(korean)));
console.log('');
console.log('| input | UTF-8 bytes | estimateTextTokens per call (ms) | countTokens per call (ms) |');
console.log('| --- | --- | --- | --- |');
for (const [label, text, iterations] of [
  ['Korean prompt', fourKb, 20_000],
  ['Korean body at the 4 MiB limit', fourMiB, 20],
] as const) {
  const simulatorMs = (() => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) countTokens(text);
    return Number(process.hrtime.bigint() - started) / 1e6 / iterations;
  })();
  console.log(`| ${label} | ${Buffer.byteLength(text)} | ${fixed(timePerCall(text, iterations), 4)} | ${fixed(simulatorMs, 4)} |`);
}
