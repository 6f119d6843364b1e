/** Markup that is safe to insert as it is: written here, escaped on the way in, or drawn by the chart renderer. */
export class Html {
  constructor(
    /** The markup. */
    readonly markup: string,
  ) {}
}

/** What a template slot takes: text (escaped), or markup. */
export type Slot = string | number | Html | readonly Html[];

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` as HTML text or attribute value: model names and error examples come from files and processes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** Template tag that escapes every string and number it is given, so that no slot can forget to. */
export function html(strings: TemplateStringsArray, ...slots: Slot[]): Html {
  const markup = (slot: Slot): string =>
    slot instanceof Html ? slot.markup : typeof slot === 'object' ? slot.map((h) => h.markup).join('') : escapeHtml(String(slot));
  return new Html(strings.reduce((out, text, i) => out + markup(slots[i - 1]!) + text));
}

/** The reports' stylesheet, inline: a report is one file that opens anywhere. */
export const STYLE = `
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1b1b; max-width: 980px; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem; border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.meta, figcaption { color: #555; font-size: .9rem; }
table { border-collapse: collapse; margin: .6rem 0; } th, td { text-align: left; padding: .2rem .8rem .2rem 0; border-bottom: 1px solid #eee; font-variant-numeric: tabular-nums; }
td { white-space: nowrap; } td.config { white-space: normal; }
tr.best { font-weight: 600; } dl.figures { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dl.figures dd { margin: 0; }
.verdict { font-weight: 700; } .valid, .pass { color: #1a7f37; } .invalid, .fail { color: #cf222e; }
figure { margin: 1.2rem 0; } svg { max-width: 100%; height: auto; display: block; }
`;
