/**
 * The texts of a request the model will read, as references that can be written back: each chat
 * message's string content (or each text part of multi-part content), each embeddings input string.
 * The policy scans these and, when it masks, the masked texts replace them in place in the body,
 * which is what goes upstream.
 */
export interface PromptPart {
  text: string;
  write(masked: string): void;
}

export function promptPartsOf(body: Record<string, unknown>): PromptPart[] {
  const parts: PromptPart[] = [];
  const messages = body['messages'];
  if (Array.isArray(messages)) {
    for (const message of messages) {
      if (!message || typeof message !== 'object') continue;
      const holder = message as Record<string, unknown>;
      const content = holder['content'];
      if (typeof content === 'string') {
        parts.push({ text: content, write: (masked) => (holder['content'] = masked) });
      } else if (Array.isArray(content)) {
        for (const piece of content) {
          if (piece && typeof piece === 'object' && typeof (piece as Record<string, unknown>)['text'] === 'string') {
            const textHolder = piece as Record<string, unknown>;
            parts.push({ text: textHolder['text'] as string, write: (masked) => (textHolder['text'] = masked) });
          }
        }
      }
    }
  }
  const input = body['input'];
  if (typeof input === 'string') {
    parts.push({ text: input, write: (masked) => (body['input'] = masked) });
  } else if (Array.isArray(input)) {
    input.forEach((item, index) => {
      if (typeof item === 'string') parts.push({ text: item, write: (masked) => (input[index] = masked) });
    });
  }
  return parts;
}
