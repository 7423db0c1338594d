// The structure stage's knowledge (cues.json), read and checked once: period cue words, front-matter debris.
import { readFileSync } from 'node:fs';

interface Cues {
  periods: {
    planWords: string[];
    reviewWords: string[];
    targetWords: string[];
    figureTargetCues: string;
    reviewSection: string;
    planSection: string;
    targetsSection: string;
    multiYearReview: string;
    multiYearPlan: string;
    averageWords: string;
    fiveYearWords: string;
    comparedWithLastYear: string;
    planAheadWords: string;
    fiveYearPlans: Record<string, [number, number]>;
  };
  questions: { target: string[]; result: string[] };
  front: {
    salutation: string;
    pageWords: string[];
    pageDebris: string[];
    titleTail: string;
    titleCore: string;
    notes: string;
    appendix: string;
  };
}

function load(): Cues {
  const raw = JSON.parse(readFileSync(new URL('./cues.json', import.meta.url), 'utf8')) as Cues;
  const fail = (what: string) => {
    throw new Error(`src/structure/cues.json: ${what} is missing or malformed; restore it from git`);
  };
  for (const key of ['planWords', 'reviewWords', 'targetWords'] as const) if (!Array.isArray(raw.periods?.[key])) fail(`periods.${key}`);
  for (const key of ['figureTargetCues', 'reviewSection', 'planSection', 'targetsSection', 'multiYearReview', 'multiYearPlan', 'averageWords', 'planAheadWords'] as const) {
    if (typeof raw.periods[key] !== 'string') fail(`periods.${key}`);
    new RegExp(raw.periods[key]);
  }
  if (!Array.isArray(raw.questions?.target) || !Array.isArray(raw.questions?.result)) fail('questions');
  if (!Array.isArray(raw.front?.pageDebris) || !Array.isArray(raw.front?.pageWords)) fail('front');
  return raw;
}

export const CUES: Cues = load();
