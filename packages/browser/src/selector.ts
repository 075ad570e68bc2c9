const MAX_DEPTH = 4;
const MAX_LENGTH = 120;
const MAX_CLASSES = 2;

/**
 * A short CSS selector for an element, e.g. `main > form.login > button#submit`: at most four
 * levels, stopping at the nearest ancestor with an id, two classes per element. Good enough to
 * tell which control was clicked, cheap enough to compute on every click.
 */
export function selectorOf(target: EventTarget | null): string {
  const parts: string[] = [];
  let node = target as Element | null;
  try {
    while (node && node.nodeType === 1 && parts.length < MAX_DEPTH) {
      const tag = node.tagName.toLowerCase();
      if (tag === 'html' || tag === 'body') break;
      parts.unshift(describe(node, tag));
      if (node.id) break;
      node = node.parentElement;
    }
  } catch {
    // A detached or exotic node: keep what was read.
  }
  const selector = parts.join(' > ');
  return selector.length > MAX_LENGTH ? `…${selector.slice(-MAX_LENGTH)}` : selector || '<unknown>';
}

function describe(element: Element, tag: string): string {
  if (element.id) return `${tag}#${cssIdent(element.id)}`;
  let out = tag;
  const classes = typeof element.className === 'string' ? element.className.trim().split(/\s+/) : [];
  for (const name of classes.slice(0, MAX_CLASSES)) if (name) out += `.${cssIdent(name)}`;
  for (const attr of ['name', 'type', 'aria-label', 'data-testid']) {
    const value = element.getAttribute(attr);
    if (value) return `${out}[${attr}="${value.slice(0, 32).replace(/"/g, '\\"')}"]`;
  }
  return out;
}

function cssIdent(value: string): string {
  return value.replace(/[^\w-]/g, (c) => `\\${c}`);
}
