/** Small DOM helpers of the explorer: cells, rows, and the verified / not-verified badges. */
import type { VerifiedJson } from '../light/answers.ts';

export function $(id: string): HTMLElement {
  const el = document.getElementById(id);
  if (!el) throw new Error(`the page has no #${id}`);
  return el;
}

export function text(value: string, testid?: string, mono = false): HTMLElement {
  const el = document.createElement('span');
  el.textContent = value;
  if (testid) el.dataset.testid = testid;
  if (mono) el.className = 'mono';
  return el;
}

export function badge(kind: 'ok' | 'bad' | 'wait', label: string): HTMLElement {
  const el = document.createElement('span');
  el.className = `badge ${kind}`;
  el.dataset.verified = kind === 'ok' ? 'yes' : kind === 'bad' ? 'no' : 'pending';
  el.textContent = label;
  return el;
}

/** Marks a value as checked against a header verified from genesis. */
export function verifiedBadge(v: Pick<VerifiedJson, 'epoch' | 'height'> | { epoch: bigint; height: bigint }): HTMLElement {
  return badge('ok', `✓ verified from genesis (epoch ${v.epoch}, height ${v.height})`);
}

/** A refused answer: not verified, with the check's code and why. */
export function failure(err: unknown): HTMLElement {
  const code = (err as { code?: string }).code ?? 'E_UNAVAILABLE';
  const el = badge('bad', `✗ not verified — ${code}: ${(err as Error).message}`);
  el.dataset.code = code;
  return el;
}

export function row(cells: Array<Node | string>): HTMLTableRowElement {
  const tr = document.createElement('tr');
  for (const c of cells) {
    const td = document.createElement('td');
    td.append(c);
    tr.append(td);
  }
  return tr;
}

export function rows(body: HTMLElement, fields: Array<[string, Node]>): void {
  body.replaceChildren(...fields.map(([label, value]) => row([label, value])));
}
