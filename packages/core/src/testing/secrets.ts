import type {} from '../globals.js';

export interface SecretMatch {
  secret: string;
  /** Which encoding of the secret was found: `verbatim`, `JSON-escaped`, `URL-encoded`, … */
  form: string;
  /** A short excerpt around the first occurrence. */
  context: string;
}

const CONTEXT_CHARS = 24;

/** `"\u00e9"`-style escaping of every non-ASCII character, as ASCII-only JSON writers do. */
function asciiJson(text: string): string {
  return text.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The forms a secret can take once written into JSON, a URL or a form body. */
function encodings(secret: string): Array<[form: string, text: string, ignoreCase: boolean]> {
  const json = JSON.stringify(secret).slice(1, -1);
  const url = encodeURIComponent(secret);
  const forms: Array<[string, string, boolean]> = [
    ['verbatim', secret, false],
    ['JSON-escaped', json, false],
    ['JSON-escaped (ASCII)', asciiJson(json), false],
    // Percent-encoding hex digits may be upper or lower case.
    ['URL-encoded', url, true],
    ['form-encoded', url.replace(/%20/g, '+'), true],
    ['URL-encoded (JSON-escaped)', encodeURIComponent(json), true],
  ];
  const seen = new Set<string>();
  return forms.filter(([, text, ignoreCase]) => {
    const key = ignoreCase ? text.toLowerCase() : text;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function excerpt(text: string, index: number, length: number): string {
  const start = Math.max(0, index - CONTEXT_CHARS);
  const end = Math.min(text.length, index + length + CONTEXT_CHARS);
  return JSON.stringify(text.slice(start, end)).slice(1, -1);
}

/** Every secret from `secrets` found in `data`, in the order given, with where it was found. */
export function findSecretMatches(data: Uint8Array | string, secrets: string[]): SecretMatch[] {
  const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
  const lower = text.toLowerCase();
  const matches: SecretMatch[] = [];
  for (const secret of new Set(secrets)) {
    if (typeof secret !== 'string' || secret === '') continue;
    for (const [form, encoded, ignoreCase] of encodings(secret)) {
      const index = ignoreCase ? lower.indexOf(encoded.toLowerCase()) : text.indexOf(encoded);
      if (index !== -1) {
        matches.push({ secret, form, context: excerpt(text, index, encoded.length) });
        break;
      }
    }
  }
  return matches;
}
