import { allMatches } from './all-matches.js';
import { candidate, type Candidate, type Reader } from './decision.js';

/**
 * Short decisions in French, German, Spanish, Chinese and Japanese ("Je choisis C", "Ich spende
 * 5 $", "Mi respuesta es D", "我选择C", "Cを選びます"). Each language gives its first-person
 * decision verbs and decision nouns; the value is read by the space's own reader, so option
 * labels and amounts are read exactly as in English. Negated verbs ("je ne choisis pas", "我不选",
 * "選びません") do not match, and conditions ("si je choisis", "如果我选") are not decisions.
 */
type Pattern = { re: RegExp; valueGroup?: number };

const DECISION_PATTERNS: readonly Pattern[] = [
  // French
  {
    re: new RegExp(
      String.raw`\bj(?:e\s+|')(?:(?:vais|veux|voudrais|préfère|compte)\s+)?` +
        String.raw`(?:choisis|choisir|choisirais|choisirai|prends|prendre|opte\s+pour` +
        String.raw`|opter\s+pour|joue|jouer|donne|donner|donnerai|donnerais|verse|verser` +
        String.raw`|contribue|contribuer)\b`,
      'giu',
    ),
  },
  {
    re: new RegExp(
      String.raw`\b(?:ma|mon|notre)\s+` +
        String.raw`(?:réponse|choix|décision|stratégie|option|don|contribution)` +
        String.raw`(?:\s+(?:finale?|définitive))?\s*(?:est|sera|serait|:|=)`,
      'giu',
    ),
  },
  { re: /(?:^|\n)[ \t]*(?:réponse|choix|décision)(?:\s+finale)?\s*:/giu },
  // German
  {
    re: new RegExp(
      String.raw`\bich\s+(?:(?:werde|würde|möchte|will)\s+)?` +
        String.raw`(?:wähle|nehme|entscheide\s+mich\s+für|spiele|spende|gebe|zahle)\b`,
      'giu',
    ),
  },
  {
    re: new RegExp(
      String.raw`\bich\s+(?:werde|würde|möchte|will)\s+(\S+(?:\s+(?:Dollar|Euro|\$|€))?)\s+` +
        String.raw`(?:wählen|nehmen|spielen|spenden|geben|zahlen)\b`,
      'giu',
    ),
    valueGroup: 1,
  },
  {
    re: new RegExp(
      String.raw`\b(?:meine|unsere)\s+(?:endgültige\s+)?` +
        String.raw`(?:Antwort|Wahl|Entscheidung|Strategie|Option|Spende)\s*` +
        String.raw`(?:ist|lautet|wäre|:|=)`,
      'giu',
    ),
  },
  { re: /(?:^|\n)[ \t]*(?:antwort|entscheidung)\s*:/giu },
  // Spanish
  {
    re: new RegExp(
      String.raw`(?<!\bno\s)\b(?:(?:voy\s+a|quiero|prefiero)\s+)?` +
        String.raw`(?:elijo|escojo|elegiría|escogería|elegir|escoger|opto\s+por|optar\s+por|juego` +
        String.raw`|dono|donaré|donaría|donar|aporto|aportaré|aportar|doy|daré)\b`,
      'giu',
    ),
  },
  {
    re: new RegExp(
      String.raw`\b(?:mi|nuestra|nuestro)\s+` +
        String.raw`(?:respuesta|elección|decisión|estrategia|opción|donación|aportación|aporte` +
        String.raw`|contribución)(?:\s+final)?\s*(?:es|será|sería|:|=)`,
      'giu',
    ),
  },
  { re: /(?:^|\n)[ \t]*(?:respuesta|elección|decisión)(?:\s+final)?\s*:/giu },
  // Chinese
  { re: /我(?:会|將|将|要|想|决定|決定)?(?:选择|選擇|选|選|捐出|捐赠|捐贈|捐|出)了?/gu },
  { re: /(?:我的)?(?:最终|最終)?(?:选择|選擇|答案|回答|决定|決定|策略|捐款|捐赠)(?:是|为|為|:)/gu },
  // Japanese: the value comes before the verb
  {
    re: /([^\s、。を]{1,15})を(?:選びます|選ぶ|選択します|選択する|選びました|寄付します|寄付する|出します)/gu,
    valueGroup: 1,
  },
  { re: /([^\s、。を]{1,15})に(?:します|決めます|決めました)/gu, valueGroup: 1 },
  { re: /(?:私の)?(?:最終的な)?(?:選択|答え|回答|決定|戦略|寄付額|寄付)(?:は|:)/gu },
];

// Only answers that could hold one of these are searched, so English answers pay one test.
const TRIGGER = new RegExp(
  String.raw`\b(?:je|j'|ich|meine|unsere|ma|mon|notre|mi|nuestra|nuestro|elijo|escojo|opto` +
    String.raw`|dono|aporto|doy|daré|réponse|antwort|respuesta|choix|entscheidung|elección` +
    String.raw`|decisión|décision)\b|[\u3040-\u30ff\u4e00-\u9fff]`,
  'iu',
);
const CONDITION = /\b(?:si|wenn|falls|cuando|whether|if)\b|如果|要是|もし|なら/iu;
const SENTENCE_START = /[.!?\n。！？]/gu;

function conditional(text: string, index: number): boolean {
  let start = 0;
  SENTENCE_START.lastIndex = 0;
  for (let m = SENTENCE_START.exec(text); m !== null && m.index < index; m = SENTENCE_START.exec(text))
    start = m.index + 1;
  return CONDITION.test(text.slice(start, index));
}

export function otherLanguageCandidates(text: string, read: Reader): Candidate[] {
  if (!TRIGGER.test(text)) return [];
  const out: Candidate[] = [];
  for (const { re, valueGroup } of DECISION_PATTERNS) {
    for (const m of allMatches(re, text)) {
      if (conditional(text, m.index)) continue;
      const from = valueGroup === undefined ? m.index + m[0].length : m.index + m[0].indexOf(m[valueGroup]!);
      const r = read(text, from);
      if (!r || (valueGroup !== undefined && r.end > from + m[valueGroup]!.length)) continue;
      out.push(
        candidate(
          text,
          m.index,
          valueGroup === undefined ? r : { ...r, end: m.index + m[0].length },
          'explicit-statement',
        ),
      );
    }
  }
  return out;
}
