import { flagLabel } from './help.js';
import { OLD_SPELLINGS, type OptionArgDef } from './option-args.js';

const START = '<!-- run-flags:start: generated from src/options by `npm run docs:flags`; do not edit -->';
const END = '<!-- run-flags:end -->';

const cell = (text: string): string => text.replace(/\|/g, '\\|');

/** What a flag does; for an on/off flag that is on by default, what its `--no-` form does. */
const meaning = (def: OptionArgDef): string =>
  (def.type === 'boolean' && def.default === true ? def.negativeDescription : undefined) ?? def.help ?? def.description ?? '';

/** A table of `args`, own flags first, then one per topic, then the old spellings; each row from the flag's declaration. */
function flagTables(args: Readonly<Record<string, OptionArgDef>>): string {
  const groups = new Map<string, [string, OptionArgDef][]>();
  for (const entry of Object.entries(args)) {
    const group = entry[1].group ?? 'Command';
    groups.set(group, [...(groups.get(group) ?? []), entry]);
  }
  const old = groups.get(OLD_SPELLINGS) ?? [];
  groups.delete(OLD_SPELLINGS);
  const tables = [...groups].map(([group, entries]) => [
    `**${group}**`,
    '',
    '| Flag | Default | Environment variable | Meaning |',
    '| --- | --- | --- | --- |',
    ...entries.map(([name, def]) => `| ${cell(`\`${flagLabel(name, def, { negated: true })}\``)} | ${cell(def.defaultText ?? '—')} | ${def.env === undefined ? '—' : `\`${def.env}\``} | ${cell(meaning(def))} |`),
  ]);
  const oldTable = ['**Old spellings**, kept for one release', '', '| Old flag | Now |', '| --- | --- |', ...old.map(([name, def]) => `| \`${flagLabel(name, def, { withValue: false })}\` | ${cell(def.description ?? '')} |`)];
  return [...tables, oldTable].map((lines) => lines.join('\n')).join('\n\n');
}

/** `readme` with the flag tables of `args` between its markers; refuses a README without them. */
export function replaceFlagTable(readme: string, args: Readonly<Record<string, OptionArgDef>>): string {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md has no flag table markers: ${START} … ${END}`);
  return `${readme.slice(0, start + START.length)}\n\n${flagTables(args)}\n\n${readme.slice(end)}`;
}
