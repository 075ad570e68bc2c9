import { truncateWords } from '@faultline/core/front';

const ATTRIBUTES = ['name', 'type', 'aria-label', 'data-testid'];

/**
 * A short CSS selector for an element, e.g. `main > form.login > button.primary`: at most four
 * levels, stopping at the nearest ancestor with an id, two classes per element, and the first of
 * a few telling attributes. The newest 120 characters at most. Good enough to tell which control
 * was clicked, cheap enough to compute on every click.
 */
export function selectorOf(target: EventTarget | null): string {
  const parts: string[] = [];
  let node = target as Element | null;
  const ident = (value: string) => value.replace(/[^\w-]/g, '\\$&');
  try {
    while (node?.nodeType === 1 && !parts[3]) {
      const tag = node.tagName.toLowerCase();
      if (tag === 'html' || tag === 'body') break;
      const { id, className } = node;
      let out = tag;
      if (id) out += `#${ident(id)}`;
      else {
        for (const name of typeof className === 'string' ? className.trim().split(/\s+/, 2) : [])
          if (name) out += `.${ident(name)}`;
        const attr = ATTRIBUTES.find((a) => node!.getAttribute(a));
        // Cut before the scrubber sees it: no split word (`ada@exam`) is kept.
        if (attr) out += `[${attr}="${truncateWords(node.getAttribute(attr)!, 32).replace(/"/g, '\\"')}"]`;
      }
      parts.unshift(out);
      if (id) break;
      node = node.parentElement;
    }
  } catch {
    // A detached or exotic node: keep what was read.
  }
  const selector = parts.join(' > ');
  return selector.length > 120 ? `…${selector.slice(-120)}` : selector || '<unknown>';
}
