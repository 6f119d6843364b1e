import { seededRandom } from '../core/random.js';
import { finishSteps, type Steps } from '../core/steps.js';
import { requireInteger } from '../core/validate.js';

// A small lexicon; a few long or rare words make WordPiece split them into several tokens.
const DETERMINERS = ['the', 'a', 'every', 'one', 'that', 'some', 'her', 'our'];
const ADJECTIVES = [
  'quiet', 'bright', 'ancient', 'curious', 'enormous', 'fragile', 'golden', 'hungry', 'lazy', 'nervous',
  'polished', 'rusty', 'silent', 'tiny', 'wooden', 'extraordinary', 'bewildered', 'luminous', 'crimson', 'stubborn',
];
const NOUNS = [
  'cat', 'engineer', 'river', 'teacher', 'lantern', 'violin', 'garden', 'merchant', 'robot', 'village',
  'mountain', 'notebook', 'sailor', 'computer', 'festival', 'strawberry', 'astronomer', 'bicycle', 'kettle', 'library',
];
const VERBS = [
  'found', 'painted', 'carried', 'admired', 'repaired', 'followed', 'described', 'ignored', 'discovered', 'borrowed',
  'questioned', 'photographed', 'assembled', 'celebrated', 'misplaced', 'rearranged', 'watched', 'cleaned',
];
const ADVERBS = [
  'slowly', 'carefully', 'suddenly', 'quietly', 'happily', 'reluctantly', 'eagerly', 'gracefully', 'almost', 'never',
];
const PREPOSITIONS = ['near', 'behind', 'inside', 'under', 'beyond', 'across', 'beside', 'without'];
const OPENERS = ['yesterday', 'after lunch', 'in the morning', 'for a while', 'meanwhile', 'last winter', 'at midnight'];
const CONJUNCTIONS = ['and', 'but', 'while', 'because', 'so', 'although', 'until'];

/**
 * Random English sentences from a fixed seed, standing in for the workshop's text-generator sentences.
 * Each is one to three clauses of subject, verb and object with optional adjectives, adverbs and
 * prepositional phrases, so lengths vary from about 5 to 45 words; the same seed always gives the same list.
 */
export function generateSentences(count: number, seed: number): string[] {
  return finishSteps(sentenceSteps(count, seed));
}

/** Sentences made per step of {@link sentenceSteps}: milliseconds. */
const SENTENCES_PER_STEP = 1000;

/** {@link generateSentences} in steps (see {@link Steps}): hundreds of thousands take seconds. */
export function* sentenceSteps(count: number, seed: number): Steps<string[]> {
  requireInteger('sentence count', count, 0);
  const random = seededRandom(seed);
  const chance = (percent: number): boolean => random.int(1, 100) <= percent;
  const pick = (words: readonly string[]): string => words[random.int(0, words.length - 1)]!;

  const nounPhrase = (): string[] => {
    const words = [pick(DETERMINERS)];
    for (let n = random.int(0, 2); n > 0; n--) words.push(pick(ADJECTIVES));
    words.push(pick(NOUNS));
    if (chance(30)) words.push(pick(PREPOSITIONS), pick(DETERMINERS), pick(NOUNS));
    return words;
  };
  const clause = (): string[] => [
    ...nounPhrase(),
    ...(chance(40) ? [pick(ADVERBS)] : []),
    pick(VERBS),
    ...nounPhrase(),
    ...(chance(30) ? [pick(ADVERBS)] : []),
  ];

  const sentence = (): string => {
    const words = chance(30) ? [...pick(OPENERS).split(' '), ...clause()] : clause();
    for (let n = random.int(0, 2); n > 0; n--) words.push(pick(CONJUNCTIONS), ...clause());
    const text = words.join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  const sentences: string[] = [];
  while (sentences.length < count) {
    for (let i = Math.min(SENTENCES_PER_STEP, count - sentences.length); i > 0; i--) sentences.push(sentence());
    yield;
  }
  return sentences;
}
