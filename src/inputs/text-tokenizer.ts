import { Tokenizer } from '@huggingface/tokenizers';
import { InferbenchError } from '../core/errors.js';

/** A parsed Hugging Face `tokenizer.json` document. */
export type TokenizerJson = Readonly<Record<string, unknown>>;

/** A parsed Hugging Face `tokenizer_config.json` document (special-token names such as `pad_token`). */
export type TokenizerConfigJson = Readonly<Record<string, unknown>>;

/** One text, or a sentence pair whose second sentence gets token type 1. */
export type TextInput = string | readonly [string, string];

/** How {@link TextTokenizer.encode} shapes its output. */
export interface TextEncodeOptions {
  /** Length to truncate to and, with `padding: 'max_length'`, to pad to; special tokens count. */
  maxLength: number;
  /** `max_length`: pad every text to `maxLength`; `longest`: to the longest text of the call; `none`: no padding. */
  padding: 'max_length' | 'longest' | 'none';
  /** Drop tokens past `maxLength` while keeping the special tokens (e.g. `[CLS]` … `[SEP]`); without it longer texts stay longer. */
  truncation: boolean;
}

/** Model inputs for one text, all of the same length. */
export interface TextEncoding {
  /** Token ids, special tokens included, padding at the end. */
  inputIds: number[];
  /** 1 for real tokens, 0 for padding. */
  attentionMask: number[];
  /** Segment of each token: 0 for the first sentence, 1 for the second of a pair; 0 on padding. */
  tokenTypeIds: number[];
}

/** Turns texts into model inputs. */
export interface TextTokenizer {
  /** Encodes each text (or sentence pair) with the tokenizer's special tokens, in order. */
  encode(texts: readonly TextInput[], options: TextEncodeOptions): TextEncoding[];
}

/**
 * The pad token transformers' tokenizer classes default to when no file names one (BERT's `[PAD]`, RoBERTa's and
 * XLM-R's `<pad>`), where the tokenizer.json declares it as a special token: many Hub repositories name none.
 */
const CONVENTIONAL_PAD_TOKENS = ['[PAD]', '<pad>'];

function conventionalPadToken(tokenizerJson: TokenizerJson): string | undefined {
  const added = Array.isArray(tokenizerJson['added_tokens']) ? (tokenizerJson['added_tokens'] as unknown[]) : [];
  const special = added.filter((token) => objectField(token, 'special') === true).map((token) => objectField(token, 'content'));
  return CONVENTIONAL_PAD_TOKENS.find((token) => special.includes(token));
}

/**
 * A tokenizer for any `tokenizer.json`. The pad token comes from `tokenizerConfig.pad_token`,
 * else from the JSON's `padding.pad_token`, else it is the conventional one its special tokens hold; padding goes on
 * the right.
 */
export function createTextTokenizer(tokenizerJson: TokenizerJson, tokenizerConfig: TokenizerConfigJson = {}): TextTokenizer {
  const tokenizer = loadTokenizer(tokenizerJson, tokenizerConfig);
  const unkId = tokenizer.model?.unk_token_id;
  const padToken = tokenName(tokenizerConfig['pad_token']) ?? tokenName(objectField(tokenizerJson['padding'], 'pad_token')) ?? conventionalPadToken(tokenizerJson);
  const padId = padToken === undefined ? undefined : tokenizer.token_to_id(padToken);

  // @huggingface/tokenizers neither truncates nor pads, so the wrapper tokenizes each sentence without
  // special tokens, truncates, then runs the post-processor itself to add them back.
  const withSpecialTokens = (a: string[], b: string[] | null): { tokens: string[]; typeIds: number[] } => {
    const processor = tokenizer.post_processor;
    if (processor === null) {
      return { tokens: [...a, ...(b ?? [])], typeIds: [...a.map(() => 0), ...(b ?? []).map(() => 1)] };
    }
    const out = processor(a, b, true);
    return { tokens: out.tokens, typeIds: out.token_type_ids ?? out.tokens.map(() => 0) };
  };
  const specialCount = { single: withSpecialTokens([], null).tokens.length, pair: withSpecialTokens([], []).tokens.length };

  const toId = (token: string): number => {
    const id = tokenizer.token_to_id(token) ?? unkId;
    if (id === undefined) {
      throw new InferbenchError(
        'MODEL_INVALID',
        `token ${JSON.stringify(token)} is not in the tokenizer's vocabulary and it has no unk_token; check the tokenizer.json`,
      );
    }
    return id;
  };

  const encodeOne = (input: TextInput, options: TextEncodeOptions): TextEncoding => {
    const [textA, textB] = typeof input === 'string' ? [input, null] : input;
    let a = tokenizer.tokenize(textA);
    let b = textB === null ? null : tokenizer.tokenize(textB);
    if (options.truncation) {
      const budget = options.maxLength - (b === null ? specialCount.single : specialCount.pair);
      if (budget < 0) {
        throw new InferbenchError(
          'INVALID_OPTION',
          `maxLength ${options.maxLength} leaves no room for the tokenizer's ${options.maxLength - budget} special tokens; use a larger maxLength`,
        );
      }
      [a, b] = truncate(a, b, budget);
    }
    const { tokens, typeIds } = withSpecialTokens(a, b);
    return { inputIds: tokens.map(toId), attentionMask: tokens.map(() => 1), tokenTypeIds: typeIds };
  };

  return {
    encode(texts, options) {
      if (!Number.isInteger(options.maxLength) || options.maxLength < 1) {
        throw new InferbenchError('INVALID_OPTION', `maxLength ${options.maxLength} is not a positive integer; pass e.g. 128`);
      }
      const encodings = texts.map((text) => encodeOne(text, options));
      if (options.padding === 'none') return encodings;
      if (padId === undefined) {
        throw new InferbenchError(
          'INVALID_OPTION',
          `padding '${options.padding}' needs a pad token, but the tokenizer names none; add "pad_token" to the tokenizer_config.json beside its tokenizer.json`,
        );
      }
      const length =
        options.padding === 'max_length'
          ? options.maxLength
          : encodings.reduce((longest, encoding) => Math.max(longest, encoding.inputIds.length), 0);
      return encodings.map((encoding) => pad(encoding, length, padId));
    },
  };
}

/** The library's tokenizer, its plain construction errors turned into one-line MODEL_INVALID errors. */
function loadTokenizer(tokenizerJson: TokenizerJson, tokenizerConfig: TokenizerConfigJson): Tokenizer {
  try {
    return new Tokenizer(tokenizerJson, tokenizerConfig);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new InferbenchError('MODEL_INVALID', `tokenizer.json cannot be loaded (${reason}); pass a Hugging Face tokenizer.json`, {
      cause: error,
    });
  }
}

/**
 * Shortens a sentence (pair) to `budget` tokens. Pairs follow HF's `longest_first` as the Rust crate computes it:
 * only the longer sentence is cut while that suffices, else each keeps half and the second (or longer) one the odd token.
 */
function truncate(a: string[], b: string[] | null, budget: number): [string[], string[] | null] {
  if (b === null) return [a.slice(0, budget), null];
  if (a.length + b.length <= budget) return [a, b];
  const shorter = Math.min(a.length, b.length);
  let keepShorter = shorter;
  let keepLonger = Math.max(shorter, budget - shorter);
  if (keepShorter + keepLonger > budget) {
    keepShorter = Math.floor(budget / 2);
    keepLonger = keepShorter + (budget % 2);
  }
  return a.length <= b.length
    ? [a.slice(0, keepShorter), b.slice(0, keepLonger)]
    : [a.slice(0, keepLonger), b.slice(0, keepShorter)];
}

/** Appends padding up to `length`; encodings already that long are returned unchanged. */
function pad(encoding: TextEncoding, length: number, padId: number): TextEncoding {
  const extra = Math.max(0, length - encoding.inputIds.length);
  return {
    inputIds: [...encoding.inputIds, ...new Array<number>(extra).fill(padId)],
    attentionMask: [...encoding.attentionMask, ...new Array<number>(extra).fill(0)],
    tokenTypeIds: [...encoding.tokenTypeIds, ...new Array<number>(extra).fill(0)],
  };
}

/** A special-token name from a config value, which is either the name or an `{ content }` object. */
function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const content = objectField(value, 'content');
  return typeof content === 'string' ? content : undefined;
}

/** `value[key]` when `value` is an object, else undefined. */
function objectField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}
