import type { ArgDef, ArgsDef } from 'citty';

/** What a command's help is made of. */
export interface HelpCommand {
  /** The command's name, as typed after `inferbench`. */
  readonly name: string;
  /** What the command does, in a sentence or two. */
  readonly description: string;
  /** Its flags and positionals; a flag with a `group` belongs to that topic, one without is the command's own. */
  readonly args: ArgsDef;
}

/** A line of the top-level help. */
export interface CommandSummary {
  readonly name: string;
  /** One line that fits beside the name at 80 columns. */
  readonly summary: string;
}

/** Width of help when the output is not a terminal. */
export const HELP_WIDTH = 80;

const INDENT = '  ';
const GAP = 2;
/** Longest flag label kept on the same line as its description; longer ones get a line of their own. */
const MAX_LABEL = 26;

/** The help's width: the terminal's, or 80 columns for pipes, files and unknown widths. */
export function helpWidth(stream: { readonly isTTY?: boolean; readonly columns?: number }): number {
  return stream.isTTY === true && stream.columns !== undefined && stream.columns > 0 ? Math.max(40, stream.columns) : HELP_WIDTH;
}

/** Words of `text` in lines of at most `width` characters; a word longer than a line is cut. */
export function wrapText(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (let word of text.split(/\s+/).filter((w) => w !== '')) {
    while (word.length > width) {
      if (line !== '') lines.push(line);
      lines.push(word.slice(0, width));
      word = word.slice(width);
      line = '';
    }
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

type Row = readonly [label: string, description: string];

/** Width of the label column shared by all of a help's rows, so that descriptions line up. */
function labelWidthOf(rows: readonly Row[], width: number): number {
  return Math.min(MAX_LABEL, Math.floor(width * 0.4), Math.max(0, ...rows.map(([label]) => label.length)));
}

/** Two columns, labels then descriptions, each description wrapped in its own column. */
function renderRows(rows: readonly Row[], width: number, labelWidth: number = labelWidthOf(rows, width)): string[] {
  const column = INDENT.length + labelWidth + GAP;
  const pad = ' '.repeat(column);
  return rows.flatMap(([label, description]) => {
    const text = wrapText(description, width - column);
    if (label.length > labelWidth) return [`${INDENT}${label}`, ...text.map((l) => pad + l)];
    const [first = '', ...more] = text;
    return [`${INDENT}${label.padEnd(labelWidth + GAP)}${first}`.trimEnd(), ...more.map((l) => pad + l)];
  });
}

/** How a flag's label is written. */
export interface FlagLabelStyle {
  /** An on/off flag that is on by default as its `--no-` form alone, rather than `--[no-]`. */
  readonly negated?: boolean;
  /** Whether a value flag shows its value, `<n>`; default true. */
  readonly withValue?: boolean;
}

/** `-m, --model <name|path>`, `--[no-]progress`, `--arrival <constant|poisson>`. */
export function flagLabel(name: string, def: ArgDef, { negated = false, withValue = true }: FlagLabelStyle = {}): string {
  const aliases = 'alias' in def ? [def.alias ?? []].flat() : [];
  const short = aliases.filter((a) => a.length === 1).map((a) => `-${a}`);
  const long = def.type === 'boolean' && def.default === true ? (negated ? `--no-${name}` : `--[no-]${name}`) : `--${name}`;
  const value =
    def.type === 'boolean' || !withValue ? '' : def.type === 'enum' && 'options' in def && def.options ? ` <${def.options.join('|')}>` : ` <${def.valueHint ?? 'value'}>`;
  return [...short, long + value].join(', ');
}

/** The topic of a flag, or undefined for a command's own flag. */
function groupOf(def: ArgDef): string | undefined {
  const group = (def as { readonly group?: unknown }).group;
  return typeof group === 'string' && group !== '' ? group : undefined;
}

/** `<dir>` or `[file…]`, as the usage line shows a positional. */
function positionalLabel(name: string, def: ArgDef): string {
  const hint = def.valueHint ?? name;
  return def.required === false ? `[${hint}]` : `<${hint}>`;
}

/**
 * A command's help: what it does, its usage, its positionals, its own flags, then the flags it
 * shares with `run` under a heading per topic, in the order the topics first appear.
 */
export function renderCommandHelp(command: HelpCommand, width: number = HELP_WIDTH): string {
  const entries = Object.entries(command.args);
  const positionals = entries.filter(([, def]) => def.type === 'positional');
  const flags = entries.filter(([, def]) => def.type !== 'positional');
  const groups = new Map<string | undefined, Row[]>([[undefined, []]]);
  for (const [name, def] of flags) {
    const group = groupOf(def);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group)!.push([flagLabel(name, def), def.description ?? '']);
  }
  groups.get(undefined)!.push(['-h, --help', 'Show this help']);

  const positionalRows = positionals.map(([name, def]): Row => [positionalLabel(name, def), def.description ?? '']);
  const labelWidth = labelWidthOf([...positionalRows, ...[...groups.values()].flat()], width);
  const usage = ['inferbench', command.name, '[options]', ...positionals.map(([name, def]) => positionalLabel(name, def))].join(' ');
  const sections: string[][] = [wrapText(command.description, width), [`Usage: ${usage}`]];
  if (positionals.length > 0) {
    sections.push(['Arguments', ...renderRows(positionalRows, width, labelWidth)]);
  }
  for (const [group, rows] of groups) sections.push([group ?? 'Options', ...renderRows(rows, width, labelWidth)]);
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}

/** The top-level help: one usage block, a line per command, and where to read more. */
export function renderMainHelp(heading: string, commands: readonly CommandSummary[], width: number = HELP_WIDTH): string {
  const sections = [
    wrapText(heading, width),
    ['Usage: inferbench <command> [options]'],
    ['Commands', ...renderRows([...commands.map((c) => [c.name, c.summary] as const), ['help', 'Show the help of a command']], width)],
    wrapText("Each command's options: 'inferbench help <command>', e.g. 'inferbench help run'", width),
  ];
  return `${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`;
}
