// Korean bank account numbers, hyphenated as banks print them:
//   3-2-6   SC제일, 신한 (old)          3-3-6   신한, 케이뱅크
//   3-6-5   하나                         4-3-6   우리
//   6-2-6   KB국민, 우체국, 단위농협     4-2-7   카카오뱅크
//   4-4-4   토스뱅크                     3-4-4-2 NH농협, 부산
//   3-6-2-3 IBK기업                      3-2-4-3 KB국민 (old)
// These shapes are also order, invoice and document numbers, so a match additionally needs an
// account or bank keyword within a few characters (계좌, 입금, 은행, account, …). Unseparated
// account numbers are not matched: without the bank's grouping they are indistinguishable from
// amounts and ids. 3-2-5 is a business registration number (사업자등록번호), not an account.
import { shapes, type Detector, type MaskLayout } from './candidate';
import { hasKeywordNear } from './context-keywords';
import { HYPHEN, SPACE, spanStart } from './digit-chain';

const ACCOUNT_KEYWORDS = /계좌|입금|송금|이체|예금주|은행|뱅크|통장|농협|신한|우체국|새마을|수협|신협|account|acct|bank|a\/c/i;

/** The last four stay, as on bank statements: `***-***-**6789`. */
const BANK_ACCOUNT_MASK: MaskLayout = { keepLeading: 0, keepTrailing: 4 };

export const BANK_ACCOUNT_DETECTOR: Detector = {
  id: 'bankAccount',
  shapes: shapes([HYPHEN, SPACE], [3, 2, 6], [3, 3, 6], [3, 6, 5], [4, 3, 6], [6, 2, 6], [4, 2, 7], [4, 4, 4], [3, 4, 4, 2], [3, 6, 2, 3], [3, 2, 4, 3]),
  match(chain, first, groupCount) {
    if (first === 0 && chain.international) return undefined;
    const start = spanStart(chain, first);
    const end = chain.groupEnds[first + groupCount - 1];
    return hasKeywordNear(chain.text, start, end, ACCOUNT_KEYWORDS) ? BANK_ACCOUNT_MASK : undefined;
  },
};
